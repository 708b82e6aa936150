import { describe, expect, it } from 'vitest';

import { parseWrkOutput } from '../../bench/support/wrk.js';

// Reports printed by wrk 4.1.0 (Debian 12) on this machine, ports left as printed.
const SUCCESSFUL_RUN = `Running 1s test @ http://127.0.0.1:38779/content
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.76ms   23.67ms 125.87ms   90.19%
    Req/Sec   238.00     99.47   464.00     70.00%
  Latency Distribution
     50%   15.89ms
     75%   25.59ms
     90%   42.38ms
     99%  125.56ms
  479 requests in 1.01s, 46.86MB read
Requests/sec:    472.84
Transfer/sec:     46.26MB
`;

const NOT_FOUND_RUN = `Running 1s test @ http://127.0.0.1:38779/missing
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.28ms    5.76ms  37.13ms   86.62%
    Req/Sec     1.71k     1.43k    3.48k    70.00%
  Latency Distribution
     50%  236.00us
     75%    3.88ms
     90%   11.24ms
     99%   25.70ms
  1704 requests in 1.03s, 657.30KB read
  Non-2xx or 3xx responses: 1704
Requests/sec:   1658.22
Transfer/sec:    639.65KB
`;

describe('parseWrkOutput', () => {
  it('reads rate, count and percentiles', () => {
    const result = parseWrkOutput(SUCCESSFUL_RUN);
    expect(result.requests).toBe(479);
    expect(result.seconds).toBeCloseTo(1.01);
    expect(result.requestsPerSecond).toBe(472.84);
    expect(result.latencyP50Ms).toBeCloseTo(15.89);
    expect(result.latencyP99Ms).toBeCloseTo(125.56);
    expect(result.socketErrors).toBe(0);
    expect(result.non2xx).toBe(0);
  });

  it('converts microseconds and counts non-2xx', () => {
    const result = parseWrkOutput(NOT_FOUND_RUN);
    expect(result.latencyP50Ms).toBeCloseTo(0.236);
    expect(result.non2xx).toBe(1704);
  });

  it('adds up every kind of socket error', () => {
    const withErrors = SUCCESSFUL_RUN.replace('Requests/sec', '  Socket errors: connect 1, read 2, write 3, timeout 4\nRequests/sec');
    expect(parseWrkOutput(withErrors).socketErrors).toBe(10);
  });

  it('rejects a report without latency distribution', () => {
    const withoutDistribution = SUCCESSFUL_RUN.replace(/ {2}Latency Distribution[\s\S]*?99%.*\n/, '');
    expect(() => parseWrkOutput(withoutDistribution)).toThrow('run wrk with --latency');
  });
});

// The sign-in flow lives in demo/, because `npm run demo` signs in through it
// too and must not import from test/. Tests keep importing it from here.
export * from '../../demo/sign-in-flow.js';

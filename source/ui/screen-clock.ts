/**
 * The screen's one clock while work runs: it turns every spinner, counts the elapsed times and brings in the output
 * lines. Each tick lays out and paints the whole screen, which is most of the wizard's CPU while servers run: at
 * twice a second the render figure of `npm run bench -- --only render` was about 8 % of a core, once a second 4.75 %.
 */
export const SCREEN_CLOCK_MS = 1000;
export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner's frame at `now`: every spinner on the screen turns together, once a tick. */
export const spinnerFrame = (now: number) => SPINNER_FRAMES[Math.floor(now / SCREEN_CLOCK_MS) % SPINNER_FRAMES.length]!;

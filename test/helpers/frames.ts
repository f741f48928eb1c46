import { stripVTControlCharacters } from 'node:util';

export interface FrameSource {
	lastFrame(): string | undefined;
	frames: string[];
}

export const plain = (text: string | undefined) => stripVTControlCharacters(text ?? '');

/** All output so far (Static lines included), without colours. */
export const allOutput = (source: FrameSource) => plain(source.frames.join('\n'));

/** Waits until the latest frame shows `text` (or matches it); fails with the frame it saw. */
export async function waitForFrame(source: FrameSource, text: string | RegExp, timeoutMs = 10_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const frame = plain(source.lastFrame());
		if (typeof text === 'string' ? frame.includes(text) : text.test(frame)) return frame;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; last frame:\n${frame}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** Keys for ink-testing-library's stdin, written one at a time with a pause, as a person types. */
export const KEYS = { up: '\u001B[A', down: '\u001B[B', enter: '\r', escape: '\u001B', backspace: '\u007F' } as const;

export async function press(stdin: { write(data: string): void }, ...keys: string[]): Promise<void> {
	for (const key of keys) {
		stdin.write(key);
		await new Promise((resolve) => setTimeout(resolve, 30));
	}
}

export async function type(stdin: { write(data: string): void }, text: string): Promise<void> {
	for (const character of text) await press(stdin, character);
}

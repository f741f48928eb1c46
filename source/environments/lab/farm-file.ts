import { rm } from 'node:fs/promises';
import { CheckpointQueue } from '../../session/checkpoint-queue.js';
import { identityOf, replaceFile, replaceFileSync, type FileIdentity, type FileProblem } from '../../session/private-fs.js';
import { farmText, farmWriteProblem, labFarmPath, loadFarm, prepareFarmFolder, type FarmState } from './farm-state.js';
import type { Scenario } from './scenario.js';

/**
 * One lab farm file as this process reads and writes it. Every call to the lab reads the farm, changes it and
 * saves it with no await in between, so calls never interleave; the saves of one turn of the event loop share one
 * write, made once the turn ends (a temporary file renamed over the farm, not synced: the farm is simulated), the
 * way the checkpoints are written. Until the disk holds the newest state this process saved, reads see that state;
 * after, they see it still while the file is the one written (its inode, size and time), and read the file again
 * once it is another, so a farm changed by another process or by hand is seen without parsing the farm at every call.
 *
 * A kill during a write leaves the old farm or the new one whole (the rename). At exit the state not yet on
 * disk is written before the process ends, so a second Ctrl+C (process.exit) loses nothing; a SIGKILL loses
 * what was saved since the last write landed, the changes of the calls still in flight, which is the farm of
 * a process killed a moment earlier. A call whose end the operator is told of (a Bootstrapper run finished, a
 * pairing published) returns only once the farm holds it.
 */
export class FarmFile {
	private unwritten: { farm: FarmState; text: string } | undefined;
	/** The farm this process last wrote, and the file that holds it: read again only once the file is another. */
	private landed: { farm: FarmState; identity: FileIdentity } | undefined;
	private saves = 0;
	private failure: FileProblem | undefined;
	private readonly queue = new CheckpointQueue<{ farm: FarmState; text: string }>((saved) => this.write(saved));

	constructor(readonly path: string) {}

	/** The farm as it stands: the newest state this process saved, or the file's. */
	load(scenario: Scenario, now: number): FarmState {
		if (this.failure) throw this.failure;
		if (this.unwritten) return structuredClone(this.unwritten.farm);
		if (this.landed && this.landed.identity === identityOf(this.path)) return structuredClone(this.landed.farm);
		return loadFarm(this.path, scenario, now);
	}

	/** Takes `farm` as the farm's state now; it reaches the disk soon after (`written`). */
	save(farm: FarmState): void {
		if (this.failure) throw this.failure;
		const text = farmText(farm);
		this.unwritten = { farm: structuredClone(farm), text };
		const save = ++this.saves;
		this.queue.request(this.unwritten);
		this.queue.written().then(
			() => {
				if (this.saves === save) this.unwritten = undefined;
			},
			(error: unknown) => {
				this.failure ??= farmWriteProblem(this.path, error instanceof Error ? error.cause : error);
			},
		);
		writeUnwrittenAtExit();
	}

	/** Resolves once every state saved so far is on disk; rejects with the FileProblem once a write failed. */
	async written(): Promise<void> {
		if (this.failure) throw this.failure;
		try {
			await this.queue.written();
		} catch (error) {
			throw this.failure ?? farmWriteProblem(this.path, error instanceof Error ? error.cause : error);
		}
	}

	private async write({ farm, text }: { farm: FarmState; text: string }): Promise<void> {
		try {
			prepareFarmFolder(this.path);
			// Replaces land in the order they were asked for: the last to land is the newest farm.
			this.landed = { farm, identity: await replaceFile(this.path, text, { durable: false }) };
		} catch (error) {
			throw farmWriteProblem(this.path, error);
		}
	}

	/**
	 * Called at exit: process.exit (a second signal) ends the process with writes still queued. The newest state
	 * is written then, through a temporary file of its own, since the one in flight may still be open.
	 */
	writeUnwrittenNow(): void {
		if (!this.unwritten || this.failure) return;
		try {
			replaceFileSync(this.path, this.unwritten.text, { temporary: `${this.path}.${process.pid}.exit.tmp` });
		} catch {
			// Nothing can be reported once the process is exiting; the farm on disk is the last one written, whole.
		}
	}
}

const files = new Map<string, FarmFile>();
let writesAtExit = false;

function writeUnwrittenAtExit(): void {
	if (writesAtExit) return;
	writesAtExit = true;
	process.once('exit', () => {
		for (const file of files.values()) file.writeUnwrittenNow();
	});
}

/** The one FarmFile of this process for `file`, shared by every lab opened on it. */
export function farmFileAt(file: string): FarmFile {
	let found = files.get(file);
	if (!found) {
		found = new FarmFile(file);
		files.set(file, found);
	}
	return found;
}

/** Forgets the farm's state: the next use starts again from the scenario. */
export async function resetLabFarm(stateDir: string, scenarioName: string): Promise<void> {
	const file = labFarmPath(stateDir, scenarioName);
	await farmFileAt(file).written();
	await rm(file, { force: true });
}

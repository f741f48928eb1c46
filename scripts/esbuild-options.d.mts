import type { BuildOptions } from 'esbuild';

export function bundledOptions(root: string): BuildOptions;
export function distOptions(root: string): BuildOptions;
export function licenceFooter(root: string, inputs: string[]): { packages: number; text: string };

/** The terminal stream with every string written passed through `transform`; sizes, resize events and the rest are the terminal's. */
export function transformedStdout(stream: NodeJS.WriteStream, transform: (text: string) => string): NodeJS.WriteStream {
	return new Proxy(stream, {
		get(target, property, receiver) {
			if (property === 'write') {
				return (chunk: unknown, ...rest: unknown[]) =>
					(target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? transform(chunk) : chunk, ...rest);
			}
			const value: unknown = Reflect.get(target, property, receiver);
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}

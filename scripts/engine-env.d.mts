/** See engine-env.mjs: the environment of processes that host the engine. */
export function engineEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv

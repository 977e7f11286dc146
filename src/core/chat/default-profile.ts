import type { ToolDef } from '../contract'

/** The profile seeded on first run: a small assistant with everyday tools, to try tool calling at once. */
export const DEFAULT_PROFILE = {
  name: 'Everyday assistant',
  systemPrompt: 'You are a helpful assistant that uses tools to answer.',
  tools: [
    {
      name: 'get_weather',
      description: 'Current weather for a city.',
      parameters: { type: 'object', properties: { city: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] }
    },
    {
      name: 'search_web',
      description: 'Search the web and return the top results.',
      parameters: { type: 'object', properties: { query: { type: 'string' }, max_results: { type: 'integer' } }, required: ['query'] }
    },
    {
      name: 'create_event',
      description: 'Create a calendar event.',
      parameters: { type: 'object', properties: { title: { type: 'string' }, date: { type: 'string', description: 'YYYY-MM-DD' }, time: { type: 'string' } }, required: ['title', 'date'] }
    }
  ] satisfies ToolDef[]
}

// One text turn through the official Node SDK's Realtime client (OpenAIRealtimeWS), against the
// base URL given as the first argument; prints {"text", "kinds"} as JSON, or {"error"} and exits 1.
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';

const client = new OpenAI({ apiKey: 'sk-node-test', baseURL: process.argv[2], maxRetries: 0 });
const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime' }, client);
const kinds = [];
let text = '';
const fail = (message) => { console.log(JSON.stringify({ error: String(message) })); process.exit(1); };
setTimeout(() => fail('timed out'), 15000).unref();
rt.on('error', (error) => fail(error.message || error));
rt.socket.on('open', () => {
  rt.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
  rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello from node' }] } });
  rt.send({ type: 'response.create' });
});
rt.on('event', (event) => kinds.push(event.type));
rt.on('response.output_text.delta', (event) => { text += event.delta; });
rt.on('response.done', () => { console.log(JSON.stringify({ text, kinds })); rt.close(); process.exit(0); });

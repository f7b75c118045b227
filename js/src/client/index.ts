/** The ChatKit protocol client: types, SSE parsing, thread state, transports, session. */
export * from "./types";
export { SSEParser, type SSEMessage } from "./sse";
export * from "./reducer";
export * from "./transport";
export { commTransport, type CommModel, type CommTransportOptions, type DisposableTransport } from "./comm";
export { ChatSession, type ChatSessionOptions, type ClientToolHandler, type SessionEvent } from "./session";

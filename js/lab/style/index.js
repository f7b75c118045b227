// The sidebar's own styles; the shared chat UI's load with the chat (src/uistyle.ts).
import './base.css';

// The shared chat UI's styles (bundled by esbuild from js/src) and the sidebar's own.
import '../lib/index.css';
import './base.css';

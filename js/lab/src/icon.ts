/** The assistant's icon: a speech bubble with a spark, themed like JupyterLab's own. */

import { LabIcon } from "@jupyterlab/ui-components";

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 3h11a3 3 0 0 1 3 3v1.2a5.6 5.6 0 0 0-2-.2V6a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v8a1 1 0 0 0 1 1h2v2.6L9.2 15H11a5.6 5.6 0 0 0 .5 2H9.8L6.6 19.6A1 1 0 0 1 5 18.8V17H4a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3z"/>
    <path d="M17 9l1.2 3.3L21.5 13.5 18.2 14.7 17 18l-1.2-3.3L12.5 13.5l3.3-1.2z"/>
  </g>
</svg>`;

export const assistantIcon = new LabIcon({ name: "jupyter-chatkit:assistant", svgstr: svg });

/**
 * End-to-end page for tests/browser/test_walkthrough_more_lab.py (the chat bundle's tests):
 * answered under a real Jupyter server's origin, talks to the real jupyter-chatkit endpoint
 * with the fetch transport.
 * Query: token=... (sent as Authorization) or auth=cookie (XSRF cookie path).
 */
import { checkHealth, createChat, fetchTransport } from "../../src/index";

const q = new URLSearchParams(location.search);
const token = q.get("auth") === "cookie" ? undefined : (q.get("token") ?? undefined);
const w = window as unknown as Record<string, unknown>;
const answers: string[] = [];
const inserted: { code: string; run: boolean; position: string }[] = [];
w.__answers = answers;
w.__inserted = inserted;
void checkHealth({ baseUrl: "/", token }).then((ok) => {
  w.__health = ok;
});
const chat = createChat(document.getElementById("host") as HTMLElement, {
  transport: fetchTransport({ baseUrl: "/", token }),
  clientTools: {
    get_notebook_cells: async () => ({
      cells: [{ index: 0, cell_type: "code", source: "import pandas as pd\ndf = pd.read_csv('x.csv')" }],
    }),
    get_active_cell: async () => ({ index: 0, cell_type: "code", source: "df.head()" }),
    list_kernel_variables: async () => ({ variables: [{ name: "df", type: "DataFrame", shape: [3, 2] }] }),
    inspect_kernel_variable: async (args) => ({ name: args.name, type: "DataFrame" }),
  },
  insertCell: async (code, { run, position }) => {
    inserted.push({ code, run, position });
    return true;
  },
});
chat.onAnswer((a) => answers.push(a.text));
w.chat = chat;

/**
 * The Notebook Assistant sidebar plugin: panel, commands, settings, context menus.
 *
 * One plugin serves JupyterLab 4 and Notebook 7: everything Notebook 7 may lack
 * (ILabShell, layout restorer, palette, settings) is optional, and the panel goes into
 * the shell's left/right area, which both shells have.
 */

import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ILayoutRestorer } from "@jupyterlab/application";
import { ICommandPalette } from "@jupyterlab/apputils";
import type { Cell } from "@jupyterlab/cells";
import { PageConfig } from "@jupyterlab/coreutils";
import type * as nbformat from "@jupyterlab/nbformat";
import { INotebookTracker, type NotebookPanel } from "@jupyterlab/notebook";
import { ISettingRegistry } from "@jupyterlab/settingregistry";
import { onTurnSignals } from "../../src/client/turnsignal";
import type { MessagePart } from "../../src/index";
import type { SendKey } from "./chat";
import { fetchModelChoice, fetchModelInfo, modelDescription, modelLabel, type ServerModelInfo } from "./config";
import { ErrorButtons } from "./errorbuttons";
import { assistantIcon } from "./icon";
import { keepMergesOut, type MergedNotebook } from "./keptmerge";
import { watchNotebookRuns } from "./kerneldeath";
import { NotebookLink } from "./link";
import { watchLivePush } from "./livepush";
import { cellIndexOf, panelHolding } from "./locate";
import { followServerModel } from "./modelfollow";
import type * as NotebookOps from "./notebookops";
import { AssistantPanel } from "./panel";
import { rememberPanelOpen } from "./panelmemory";
import { isPrivate, markPrivateCells, sendsCellLabel, setPrivate, watchPrivateMarks } from "./privatecells";
import { errorOutputs } from "./prompts";
import { watchNotebookKernels } from "./shellwatch";

export const PLUGIN_ID = "jupyter-chatkit:plugin";

/** Command ids (also used in the settings schema for shortcuts and menus). */
export const CommandIds = {
  open: "jupyter-chatkit:open",
  toggle: "jupyter-chatkit:toggle",
  newThread: "jupyter-chatkit:new-thread",
  explainCell: "jupyter-chatkit:explain-cell",
  askError: "jupyter-chatkit:ask-error",
  replaceActive: "jupyter-chatkit:replace-active-cell",
  togglePrivate: "jupyter-chatkit:toggle-private",
} as const;

type Side = "left" | "right";

/** The settings this plugin reads (schema/plugin.json). */
interface AssistantSettings {
  side: Side;
  sendShortcut: SendKey;
}

const DEFAULTS: AssistantSettings = { side: "right", sendShortcut: "Enter" };

function readSettings(settings: ISettingRegistry.ISettings | null): AssistantSettings {
  if (!settings) return { ...DEFAULTS };
  const side = settings.get("side").composite;
  const send = settings.get("sendShortcut").composite;
  return {
    side: side === "left" ? "left" : "right",
    sendShortcut: send === "Accel Enter" ? "Accel Enter" : "Enter",
  };
}

export const sidebarPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: "The Notebook Assistant: a ChatKit chat in the sidebar that sees your notebook.",
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    registry: ISettingRegistry | null,
  ): void => {
    let current: AssistantSettings = { ...DEFAULTS };
    // Each kernel watched from its start (subshell.ts), also if the bridge is disabled.
    watchNotebookKernels(tracker);
    // A cell whose run the kernel never finished (it died) is read as such (kerneldeath.ts).
    watchNotebookRuns(tracker, app.serviceManager.contents);
    const modelInfo = fetchModelInfo();
    // Several models on offer: the chat's header gets a picker (and the bar no label).
    const choice = fetchModelChoice().then((c) => (c && c.allowed.length > 1 ? c : null));
    // Attached to the notebook on screen (the shell's current widget) first.
    const link = new NotebookLink(tracker, app.shell);
    /** Give the keyboard back to the notebook the assistant is attached to. */
    const focusNotebook = (): void => {
      const nb = link.panel ?? tracker.currentWidget;
      if (!nb) return;
      app.shell.activateById(nb.id);
      nb.content.activate();
    };
    // The chat UI's code is a chunk of its own, loaded when the panel is first shown.
    const panel: AssistantPanel = new AssistantPanel(link, async (host) => {
      const { chatFactory } = await import("./chat");
      return chatFactory({
        link,
        restored: app.restored.then(async () => link.openPaths().length > 0 || (await notebookOnItsWay(app))),
        sendKey: () => current.sendShortcut,
        notify: (text) => panel.notify(text),
        offline: modelInfo.then((info) => !!info?.offline),
        models: choice,
        escape: focusNotebook,
        shownNotebook: (notebook) => panel.setShownNotebook(notebook),
      })(host);
    });
    let placedOn: Side | null = null;

    /** Put the panel in the sidebar chosen in the settings (moving it if needed). */
    const place = (): void => {
      if (placedOn === current.side && panel.isAttached) return;
      if (panel.parent) panel.parent = null;
      app.shell.add(panel, current.side, { rank: 900 });
      placedOn = current.side;
    };

    // Opened while JupyterLab still restores the workspace: the saved layout, applied
    // after, would collapse the sidebar again under the person's question. Reopen it
    // once restored, unless they closed it meanwhile.
    let restored = false;
    let openedWhileRestoring = false;
    const open = (): void => {
      place();
      app.shell.activateById(panel.id);
      if (!restored) openedWhileRestoring = true;
    };
    void app.restored.then(() => {
      restored = true;
      if (openedWhileRestoring && !panel.isVisible) app.shell.activateById(panel.id);
    });

    // The panel is added at start-up (collapsed) so its tab/icon is there to click, and
    // before the layout is restored so JupyterLab can reopen it after a reload.
    place();
    restorer?.add(panel, "jupyter-chatkit-panel");
    // Notebook 7 restores no side panel after a reload: it reopens if it was open.
    if (app.name === "Jupyter Notebook") rememberPanelOpen(app, panel);

    /** Move the panel to the side the settings ask for, keeping it open if it was. */
    const applySide = (): void => {
      const side = panelSide();
      if (side === current.side) return;
      const wasVisible = panel.isVisible;
      placedOn = null;
      place();
      if (wasVisible) app.shell.activateById(panel.id);
    };
    /** The area the panel is in now (JupyterLab 4 lets people move sidebar widgets). */
    const panelSide = (): Side | null => {
      if (panel.node.closest("#jp-left-stack")) return "left";
      if (panel.node.closest("#jp-right-stack")) return "right";
      return placedOn;
    };

    if (registry) {
      // After the restore: a workspace remembers where the panel was, and the setting
      // is meant to win over that at start-up.
      void Promise.all([registry.load(PLUGIN_ID), app.restored])
        .then(([settings]) => {
          const apply = (): void => {
            current = readSettings(settings);
            panel.setSendKey(current.sendShortcut);
            applySide();
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch((e: unknown) => {
          console.warn("jupyter-chatkit: could not load settings; using defaults", e);
        });
    }

    void Promise.all([modelInfo, choice]).then(([info, picker]) => {
      const show = (shown: ServerModelInfo | null): void =>
        panel.setModelLabel(picker ? "" : modelLabel(shown), modelDescription(shown), !!shown?.unavailable);
      show(info);
      // Jupyter restarted with another model while the page stays open: the label
      // follows the model that answers (modelfollow.ts).
      followServerModel(fetchModelInfo, show, onTurnSignals);
    });

    // -- commands --------------------------------------------------------------------

    app.commands.addCommand(CommandIds.open, {
      label: "Open Notebook Assistant",
      caption: "Chat with an assistant that can read this notebook and its kernel variables",
      icon: assistantIcon,
      execute: open,
    });
    app.commands.addCommand(CommandIds.toggle, {
      label: "Toggle Notebook Assistant (Focus Its Chat First)",
      caption:
        "Open the Notebook Assistant, or move the keyboard to its chat when it is open; " +
        "from its chat, close it and return to the notebook",
      icon: assistantIcon,
      execute: () => {
        // A keyboard user in the notebook wants the chat, not the sidebar gone: an open
        // panel without the focus takes it (VS Code's toggle); only from the chat it closes.
        if (!panel.isVisible || !panel.node.contains(document.activeElement)) {
          open();
          panel.focusInput();
          return;
        }
        openedWhileRestoring = false;
        const shell = app.shell as unknown as { collapseLeft?(): void; collapseRight?(): void };
        if (panelSide() === "left") shell.collapseLeft?.();
        else shell.collapseRight?.();
        focusNotebook();
      },
    });
    app.commands.addCommand(CommandIds.newThread, {
      label: "New Notebook Assistant Conversation",
      execute: () => {
        open();
        panel.newThread();
      },
    });

    /** The cell a context-menu click hit, else the active cell of the current notebook. */
    const cellTarget = (): { panel: NotebookPanel; cell: Cell; index: number } | null => {
      const node = app.contextMenuHitTest((n) => n.classList.contains("jp-Cell"));
      if (node) {
        const nb = panelHolding(tracker, node);
        const index = nb ? cellIndexOf(nb, node) : -1;
        if (nb && index >= 0) return { panel: nb, cell: nb.content.widgets[index], index };
      }
      const nb = tracker.currentWidget;
      const cell = nb?.content.activeCell;
      if (!nb || !cell) return null;
      return { panel: nb, cell, index: nb.content.activeCellIndex };
    };

    /** A command's label for the cell it would send: says so on a kept-out one. */
    const cellLabel = (label: string): string => {
      const t = cellTarget();
      return t ? sendsCellLabel(label, t.cell.model) : label;
    };

    /** Open the panel and send what `parts` builds (its code loads on first use). */
    const ask = (parts: (ops: typeof NotebookOps) => readonly MessagePart[]): void => {
      open();
      void import("./notebookops").then((ops) => panel.send(parts(ops)));
    };

    app.commands.addCommand(CommandIds.explainCell, {
      label: () => cellLabel("Explain This Cell"),
      caption: "Ask the Notebook Assistant to explain the cell",
      icon: assistantIcon,
      isEnabled: () => !!tracker.currentWidget,
      execute: () => {
        const t = cellTarget();
        // The cell goes as a reference (its content as context), not pasted text.
        if (t) ask((ops) => ops.explainParts(t.panel, t.cell));
      },
    });

    const askAboutError = (nb: NotebookPanel, cell: Cell, error?: nbformat.IError): void => {
      // The cell the button or menu was on, whichever cell is active.
      const owner = panelHolding(tracker, cell.node) ?? nb;
      ask((ops) => ops.fixErrorParts(owner, cell, error ?? errorOutputs(cell)[0]));
    };

    app.commands.addCommand(CommandIds.askError, {
      // Says what it sends: "Fix the error in cell 6: …" (context.ts fixErrorParts).
      label: () => cellLabel("Fix This Error"),
      caption: "Ask the Notebook Assistant to fix this error (the cell and its error go with it)",
      icon: assistantIcon,
      isEnabled: () => {
        const t = cellTarget();
        return !!t && errorOutputs(t.cell).length > 0;
      },
      execute: () => {
        const t = cellTarget();
        if (t && errorOutputs(t.cell).length) askAboutError(t.panel, t.cell);
      },
    });

    app.commands.addCommand(CommandIds.replaceActive, {
      label: "Replace Active Cell With Code",
      describedBy: {
        args: { type: "object", properties: { code: { type: "string" } }, required: ["code"] },
      },
      execute: (args) => {
        const code = args.code;
        if (typeof code === "string") link.replaceActive(code);
      },
    });

    /** The cells the private toggle acts on: the selected ones, or the one clicked when
     * the click was outside the selection. */
    const privateTargets = (): { panel: NotebookPanel; cells: Cell[] } | null => {
      const t = cellTarget();
      if (!t) return null;
      const nb = t.panel.content;
      const selected = nb.widgets.filter((c) => nb.isSelectedOrActive(c));
      return { panel: t.panel, cells: selected.includes(t.cell) ? selected : [t.cell] };
    };
    const allPrivate = (): boolean => {
      const t = privateTargets();
      return !!t && t.cells.length > 0 && t.cells.every((c) => isPrivate(c.model));
    };

    app.commands.addCommand(CommandIds.togglePrivate, {
      // Says what it will do to the selected cells (privatecells.ts: the chatkit-private tag).
      label: () => (allPrivate() ? "Let the Assistant Read" : "Keep Out of the Assistant"),
      caption:
        "Keep the selected cells' code and outputs out of what the Notebook Assistant reads (cell tag chatkit-private)",
      isEnabled: () => !!privateTargets(),
      execute: () => {
        const t = privateTargets();
        if (!t) return;
        const on = !t.cells.every((c) => isPrivate(c.model));
        for (const cell of t.cells) setPrivate(cell.model, on);
        markPrivateCells(t.panel);
      },
    });
    // Each notebook, open now or later: its kept-out marks drawn, and its kernel's own
    // readers (`%chat QUESTION`) told the tags on screen.
    const watchKeptOut = (nb: NotebookPanel): void => {
      watchPrivateMarks(nb);
      watchLivePush(nb);
      // A kept-out cell merged into a readable one keeps the merged cell out (keptmerge.ts).
      void nb.context.ready.then(() => {
        const model = nb.content.model;
        if (!model || nb.isDisposed) return;
        const stop = keepMergesOut(model.sharedModel as unknown as MergedNotebook, nb.content.modelContentChanged);
        nb.disposed.connect(stop);
      });
    };
    tracker.forEach(watchKeptOut);
    tracker.widgetAdded.connect((_, nb) => watchKeptOut(nb));

    if (palette) {
      const category = "Notebook Assistant";
      palette.addItem({ command: CommandIds.open, category });
      palette.addItem({ command: CommandIds.newThread, category });
      palette.addItem({ command: CommandIds.explainCell, category });
      palette.addItem({ command: CommandIds.togglePrivate, category });
    }

    new ErrorButtons(tracker, askAboutError);
  },
};

/**
 * Whether a notebook is on its way as JupyterLab settles `restored`: it opens the
 * notebook the page's URL names (/lab/tree/PATH) and those its saved layout holds only
 * after that, each once its file is read, so they are not open yet then.
 */
async function notebookOnItsWay(app: JupyterFrontEnd): Promise<boolean> {
  if (/\.ipynb$/i.test(PageConfig.getOption("treePath"))) return true;
  const workspace = PageConfig.getOption("workspace");
  if (!workspace) return false;
  try {
    const saved = await app.serviceManager.workspaces.fetch(workspace);
    // `notebook:PATH` among the main area's widgets.
    const layout = saved.data?.["layout-restorer:data"] as { main?: unknown } | undefined;
    return JSON.stringify(layout?.main ?? null).includes('"notebook:');
  } catch {
    return false;
  }
}

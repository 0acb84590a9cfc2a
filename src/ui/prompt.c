/* prompt: the status-line prompt (search, filter, go to, compare) and the n/N search it starts. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "fmt.h"
#include "prompt.h"
#include "ui_int.h"

static bool
generic_search(struct ui *ui, const char *q, int dir, bool from_sel)
{
	const struct pane_ops *ops = ui_top(ui);
	struct pane_view *v = ops->view(ui);
	char buf[1024];
	uint64_t n = v->nrows, i = v->sel;

	if (n == 0 || q[0] == '\0')
		return false;
	for (uint64_t k = 0; k < n; k++) {
		if (k > 0 || !from_sel)
			i = dir > 0 ? (i + 1) % n : (i + n - 1) % n;
		if (ops->row_text(ui, i, buf, sizeof(buf)) &&
		    pane_text_match(buf, q)) {
			pane_select_center(v, i);
			return true;
		}
	}
	return false;
}

void
prompt_search(struct ui *ui, int dir, bool from_sel)
{
	const struct pane_ops *ops = ui_top(ui);
	uint64_t was = ops->view(ui)->sel, now;
	bool found;

	if (ui->search[0] == '\0') {
		ui_msg(ui, false, "no search yet: press /");
		return;
	}
	found = ops->search ? ops->search(ui, ui->search, dir, from_sel) :
	    generic_search(ui, ui->search, dir, from_sel);
	/* Say when n went round the end, as less and vi do. */
	now = ops->view(ui)->sel;
	if (found && ui->status[0] == '\0') {
		if (!from_sel && now == was)
			ui_msg(ui, false, "the only match");
		else if (dir > 0 ? now < was : now > was)
			ui_msg(ui, false, "search wrapped to the %s",
			    dir > 0 ? "top" : "bottom");
	}
	if (!found && ui->status[0] == '\0') {
		char q[160];

		fmt_vis(ui->search, q, sizeof(q));
		ui_msg(ui, true, "not found: %s", q);
	}
}

void
ui_prompt_start(struct ui *ui, int kind, const char *label, const char *init)
{
	ui->prompt = kind;
	ui->porigin = ui_top(ui)->view(ui)->sel;
	ui->status[0] = '\0';
	ui_prompt_set(ui, label, init);
}

void
ui_prompt_set(struct ui *ui, const char *label, const char *text)
{
	strlcpy(ui->plabel, label, sizeof(ui->plabel));
	strlcpy(ui->pbuf, text, sizeof(ui->pbuf));
	ui->plen = strlen(ui->pbuf);
}

void
prompt_open(struct ui *ui, int kind)
{
	const struct pane_ops *ops = ui_top(ui);

	ui_prompt_start(ui, kind, kind == ':' ? "go to address (hex): " :
	    "search: ", "");
	if (ops->prompt != NULL)
		ops->prompt(ui, kind, PR_START);
}

/* The pane's part first; true when it did all there was to do. */
static bool
pane_part(struct ui *ui, int kind, enum prompt_ev ev)
{
	const struct pane_ops *ops = ui_top(ui);

	return ops->prompt != NULL && ops->prompt(ui, kind, ev);
}

/* Why a ":" answer is not an address, in words that help retyping. */
static void
goto_bad(struct ui *ui, const char *a)
{
	const char *p = a;
	char q[160];
	size_t nd = 0;

	fmt_vis(a, q, sizeof(q));
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (*p == '\0') {
		ui_msg(ui, true, "no hex digits after 0x");
		return;
	}
	while (p[nd] != '\0' && strchr("0123456789abcdefABCDEF", p[nd]))
		nd++;
	if (p[nd] == '\0')
		ui_msg(ui, true, "%s is past 2^64: at most 16 hex digits", q);
	else
		ui_msg(ui, true, "not a hex address: %s (e.g. 7ffd1000 or "
		    "0x7ffd1000)", q);
}

/* Enter on a ":" answer: pasted addresses often carry blanks around them. */
static void
goto_answer(struct ui *ui)
{
	uint64_t addr;
	char *a = ui->pbuf;
	size_t n;

	while (*a == ' ')
		a++;
	n = strlen(a);
	while (n > 0 && a[n - 1] == ' ')
		a[--n] = '\0';
	if (*a == '\0')
		return;		/* empty: nothing asked */
	if (fmt_parse_addr(a, &addr) == -1) {
		goto_bad(ui, a);
		return;
	}
	ui_goto_addr(ui, addr);
}

static void
prompt_cancel(struct ui *ui)
{
	int kind = ui->prompt;

	if (!pane_part(ui, kind, PR_CANCEL) && kind == '/')
		pane_select(ui_top(ui)->view(ui), ui->porigin);
	ui->prompt = 0;
}

static void
prompt_accept(struct ui *ui)
{
	int kind = ui->prompt;

	ui->prompt = 0;
	if (pane_part(ui, kind, PR_ACCEPT))
		return;
	if (kind == ':') {
		goto_answer(ui);
	} else if (kind == '/' && ui->pbuf[0] != '\0') {
		strlcpy(ui->search, ui->pbuf, sizeof(ui->search));
		prompt_search(ui, 1, true);
	}
}

void
prompt_key(struct ui *ui, int ch)
{
	switch (keys_edit(ch)) {
	case KE_CANCEL:
		prompt_cancel(ui);
		break;
	case KE_ACCEPT:
		prompt_accept(ui);
		break;
	case KE_ERASE:
		if (ui->plen == 0) {
			prompt_cancel(ui);
			break;
		}
		ui->pbuf[--ui->plen] = '\0';
		pane_part(ui, ui->prompt, PR_CHANGE);
		break;
	case KE_TYPE:
		if (ui->plen + 1 >= sizeof(ui->pbuf))
			break;
		ui->pbuf[ui->plen++] = (char)ch;
		ui->pbuf[ui->plen] = '\0';
		pane_part(ui, ui->prompt, PR_CHANGE);
		break;
	case KE_NONE:
		break;
	}
}

void
prompt_draw(struct ui *ui, int y, attr_t a)
{
	char buf[300];

	snprintf(buf, sizeof(buf), "%s%s", ui->plabel, ui->pbuf);
	ui_put(y, 0, COLS - 1, a | A_BOLD, buf);
	move(y, (int)strlen(buf) < COLS - 1 ? (int)strlen(buf) : COLS - 1);
}

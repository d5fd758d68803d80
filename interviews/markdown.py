"""Markdown for candidates' answers, rendered and then sanitised, in bounded time.

Sanitising after rendering (nh3, an allow-list) is what keeps scripts, event
handlers and `javascript:` URLs out, whatever the markdown produced.

Bounded time: Python-Markdown's link and image patterns scan, for every `[`, forward to its
closing `]` (and after `](` to the closing `)`), one character at a time in Python. An unclosed
`[` scans to the end of its paragraph, so n brackets in a paragraph of length L cost n x L: a
20,000-character bracket flood took 40 s. Three patterns try each `[` (link, reference, short
reference; images likewise from `![`), and a matched one scans its `(...)` once more: at most
4 x L characters a bracket. Autolinks and inline HTML scan from every `<` too, in C, about 20
times cheaper per character. Before rendering, `_bounded` adds up that work (a paragraph being the
lines between blank lines, which no inline text crosses); while it is over budget, the costliest
paragraph is taken out of the markdown and shown as plain text (escaped, line breaks kept).

Block patterns cost too. A heading (`#`, or a line of `=` or `-` under text) or a rule inside a
paragraph splits it, and every block pattern is then tried again on the rest of the paragraph:
n such lines in a paragraph of length L cost about n x L (5,000 headings in a row took 2 s). And
lists and quotes nest once per marker at the start of a line (`1. 1. 1. ...`), each level a few
Python frames deeper, until the stack overflows (a RecursionError, so a 500). A paragraph over
the split budget, or nested deeper than MAX_NESTING on one line, is shown as plain text as well.
"""

from __future__ import annotations

import html
import re
import secrets

import markdown as md
import nh3

_ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a", "del",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}

# Characters the link patterns may scan (~0.1 us each in Python): about 0.2 s on the 2-core machine.
LINK_SCAN_BUDGET = 2_000_000
_SCANS_PER_BRACKET = 4
# The same for `<` (regular expressions in C, ~0.015 us a character): about 0.15 s.
ANGLE_SCAN_BUDGET = 10_000_000
# Characters the block patterns test again after each split (~0.02 us each): about 0.2 s.
BLOCK_SPLIT_BUDGET = 10_000_000
# Lists and quotes nested on one line; answers use a handful, the stack gives out past ~150.
MAX_NESTING = 20
_PARAGRAPH_BREAK = re.compile(r"(\n[ \t]*\n)")
_CONTAINER = r"(?:[ \t]*>|[ \t]*(?:[*+-]|\d{1,9}[.)])[ \t]+)"
# A line that may split its paragraph (a heading, a setext underline, a rule), also in a quote.
_SPLIT_LINE = re.compile(rf"(?m)^{_CONTAINER}*[ \t]*(?:#|[-=*_][-=*_ \t]*$)")
_NESTED = re.compile(rf"(?m)^{_CONTAINER}{{{MAX_NESTING + 1}}}")


def _link_cost(paragraph: str) -> int:
    return _SCANS_PER_BRACKET * paragraph.count("[") * len(paragraph)


def _angle_cost(paragraph: str) -> int:
    return paragraph.count("<") * len(paragraph)


def _split_cost(paragraph: str) -> int:
    return len(_SPLIT_LINE.findall(paragraph)) * len(paragraph)


_COSTS = (
    (_link_cost, LINK_SCAN_BUDGET),
    (_angle_cost, ANGLE_SCAN_BUDGET),
    (_split_cost, BLOCK_SPLIT_BUDGET),
)


def _bounded(text: str) -> tuple[str, dict[str, str]]:
    """`text` with its costliest paragraphs replaced by placeholders until the scans fit the
    budgets, and the plain-text HTML of each placeholder."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = _PARAGRAPH_BREAK.split(text)  # paragraphs at even indexes, the breaks between them odd
    plain: dict[int, str] = {
        i: parts[i] for i in range(0, len(parts), 2) if _NESTED.search(parts[i])
    }
    for cost_of, budget in _COSTS:
        costs = sorted(((cost_of(parts[i]), i) for i in range(0, len(parts), 2)), reverse=True)
        total = sum(cost for cost, i in costs if i not in plain)
        for cost, i in costs:
            if total <= budget:
                break
            if i not in plain:
                plain[i] = parts[i]
                total -= cost
    if not plain:
        return text, {}
    # Only letters and digits, so markdown leaves it alone; random, so no answer can forge one.
    nonce = secrets.token_hex(8)
    placeholders = {}
    for i, paragraph in plain.items():
        token = f"chalktalkplain{nonce}n{i}"
        placeholders[token] = html.escape(paragraph).replace("\n", "<br>\n")
        parts[i] = token
    return "".join(parts), placeholders


def render_markdown(text: str) -> str:
    bounded, placeholders = _bounded(text)
    rendered = md.markdown(
        bounded, extensions=["fenced_code", "tables", "sane_lists"], output_format="html"
    )
    for token, plain in placeholders.items():
        rendered = rendered.replace(token, plain)
    return nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# A list straight after a line of text ("**Goals**" then "- ...") is not a list to Python-Markdown
# (it wants a blank line first), so the bank's outlines read as one paragraph of " - " text.
_LIST_AFTER_TEXT = re.compile(
    r"(?m)^([ \t]*(?![-*+][ \t]|\d+[.)][ \t])\S.*)\n(?=[ \t]*(?:[-*+]|\d+[.)])[ \t])"
)


def render_outline(text: str) -> str:
    """Markdown where a list may start right under a heading line, as in the bank's outlines."""
    return render_markdown(_LIST_AFTER_TEXT.sub(r"\1\n\n", text))

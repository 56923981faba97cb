"""The documentation is true: every GDL code block in docs/*.md is checked by graphc,
every diagnostic code has a section in docs/diagnostics.md with a program that really
triggers it, shown messages are the ones graphc prints, and relative links resolve.

The conventions for code blocks (the info string after the opening fence) are
documented in docs/README.md:

    ```gdl                   a whole file: `graphc check` reports nothing
    ```gdl error=CODE        graphc reports diagnostics, all with code CODE, at least one an error
    ```gdl warning=CODE      graphc reports diagnostics, all warnings with code CODE
    ```gdl file=PATH         not checked alone: written at PATH (relative to the document's
                             project directory) so that later blocks of the same document
                             can `use` it
    ```gdl model=NAME        checked as `--model NAME` would (combines with error=/warning=)
    ```gdl fragment          a piece of a program: it must parse, as a file or as the body of
                             a model; it is not evaluated
    ```text output           directly after a checked gdl block: exactly what graphc prints
                             for it (the rendered diagnostics of `graphc check main.gdl`)

Blocks are checked as `main.gdl` in a fresh project directory per document (files of
`file=` blocks accumulate there, in the order of the document).  No framework is
imported: this is fast-tier.

`python tests/test_docs.py --update` rewrites every `text output` block from what
graphc prints now (review the diff).
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graphc.compiler.lower import compile_program
from graphc.diagnostics import CODES, CompileError, render_text

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DOC_FILES = sorted(DOCS.glob("*.md"))
FENCE = re.compile(r"^(?P<indent> *)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
KEYS = {"error", "warning", "file", "model", "fragment", "output"}


@dataclass
class Block:
    doc: Path
    line: int
    lang: str
    attrs: dict
    body: str
    output: Block | None = None  # the `text output` block right after it
    span: tuple = field(default=(0, 0))  # character offsets of the body in the document

    @property
    def id(self) -> str:
        return f"{self.doc.name}:{self.line}"


def blocks_of(doc: Path) -> list[Block]:
    text = doc.read_text(encoding="utf-8")
    out: list[Block] = []
    prev_end = None
    for m in FENCE.finditer(text):
        words = shlex.split(m.group("info").strip()) or [""]
        lang, attrs = words[0], {}
        for w in words[1:]:
            k, _, v = w.partition("=")
            attrs[k] = v or True
        indent = len(m.group("indent"))
        body = "".join(
            ln[indent:] if ln[:indent].isspace() else ln for ln in m.group("body").splitlines(True)
        )
        b = Block(doc, text.count("\n", 0, m.start()) + 1, lang, attrs, body, span=m.span("body"))
        if lang == "text" and "output" in attrs and out and text[prev_end : m.start()].strip() == "":
            out[-1].output = b
        out.append(b)
        prev_end = m.end()
    return out


def gdl_blocks(doc: Path) -> list[Block]:
    return [b for b in blocks_of(doc) if b.lang == "gdl"]


def check_block(b: Block, project: Path):
    """The diagnostics graphc reports for the block, checked as main.gdl in `project`."""
    main = project / "main.gdl"
    model = b.attrs.get("model")
    program = compile_program(str(main), b.body, model=model if isinstance(model, str) else None)
    rendered = "\n".join(render_text(d, program.sources) for d in program.diagnostics)
    return program.diagnostics, rendered.replace(str(project) + "/", "")


def parses(body: str) -> str | None:
    """None when `body` parses as a file or as the body of a model, else the error."""
    from graphc.compiler.parse import parse

    try:
        parse(body, "fragment.gdl")
        return None
    except CompileError:
        pass
    try:
        parse("model fragment {\n" + body + "\n}\n", "fragment.gdl")
        return None
    except CompileError as exc:
        return "\n".join(d.header() for d in exc.diagnostics)


def run_doc(doc: Path, tmp: Path) -> list[str]:
    """Check every gdl block of one document; the list of failures (empty: all good)."""
    project = tmp / "project"
    project.mkdir(parents=True)
    failures = []
    for b in gdl_blocks(doc):
        unknown = set(b.attrs) - KEYS
        if unknown:
            failures.append(f"{b.id}: unknown info-string key(s) {sorted(unknown)}")
            continue
        if "file" in b.attrs:
            path = (project / b.attrs["file"]).resolve()
            if not path.is_relative_to(tmp.resolve()):
                failures.append(f"{b.id}: file= must stay inside the document's directory")
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(b.body, encoding="utf-8")
            continue
        if "fragment" in b.attrs:
            err = parses(b.body)
            if err:
                failures.append(f"{b.id}: fragment does not parse:\n{err}")
            continue
        diags, rendered = check_block(b, project)
        codes = {d.code for d in diags}
        if "error" in b.attrs or "warning" in b.attrs:
            sev = "error" if "error" in b.attrs else "warning"
            want = b.attrs[sev]
            ok = codes == {want} and (
                any(d.is_error for d in diags) if sev == "error" else not any(d.is_error for d in diags)
            )
            if not ok:
                failures.append(
                    f"{b.id}: expected only {sev} `{want}`, graphc reported:\n{rendered or 'nothing'}"
                )
        elif diags:
            failures.append(f"{b.id}: expected no diagnostics, graphc reported:\n{rendered}")
        if b.output is not None and b.output.body.rstrip("\n") != rendered:
            failures.append(
                f"{b.output.id}: the shown output is stale; graphc prints:\n{rendered}\n"
                "(python tests/test_docs.py --update rewrites it)"
            )
    return failures


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.name)
def test_every_gdl_block_checks_as_its_info_string_says(doc, tmp_path):
    failures = run_doc(doc, tmp_path)
    assert not failures, "\n\n".join(failures)


def test_the_readme_programs_check_clean(tmp_path):
    """The README's ```gdl programs are real: graphc reports nothing on them (the
    `use "blocks.gdl"` of the tour reads an empty library beside it)."""
    blocks = [b for b in blocks_of(ROOT / "README.md") if b.lang == "gdl"]
    assert len(blocks) >= 2
    (tmp_path / "blocks.gdl").write_text("")
    for b in blocks:
        diags, rendered = check_block(b, tmp_path)
        assert not diags, f"README.md:{b.line}\n{rendered}"


# ------------------------------------------------------------------ diagnostics.md
def diagnostic_sections() -> dict[str, str]:
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    parts = re.split(r"^## `([a-z-]+)`[^\n]*\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_every_code_has_a_section_and_no_section_names_an_unknown_code():
    sections = diagnostic_sections()
    assert sorted(set(CODES) - set(sections)) == [], "codes without a section in docs/diagnostics.md"
    assert sorted(set(sections) - set(CODES)) == [], "sections for codes graphc does not define"


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_section_has_a_program_that_triggers_its_code(code):
    body = diagnostic_sections().get(code, "")
    tags = re.findall(r"^ *```gdl\b([^\n]*)$", body, flags=re.M)
    triggers = [t for t in tags if re.search(rf"\b(error|warning)={re.escape(code)}(\s|$)", t)]
    # that each of these really reports `code` (and nothing else) is checked by
    # test_every_gdl_block_checks_as_its_info_string_says[diagnostics.md]
    assert triggers, f"the section of `{code}` has no ```gdl error={code} (or warning=) example"
    assert "**Fix" in body or "fix" in body.lower(), f"the section of `{code}` says nothing about a fix"


def test_the_conventions_are_documented():
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    for key in ("error=", "warning=", "file=", "model=", "fragment", "text output"):
        assert key in readme, key


def test_fences_are_not_mistaken():
    """A block with an info string the test does not know is probably a typo (```gld)."""
    allowed = {"gdl", "text", "python", "console", "sh", "bash", "json", "toml", "yaml", "lua", "make", ""}
    bad = [f"{b.id}: ```{b.lang}" for d in DOC_FILES for b in blocks_of(d) if b.lang not in allowed]
    assert not bad, bad


def test_the_document_blocks_are_many_and_mostly_checked():
    """The docs carry real, checked programs (not only fragments)."""
    blocks = [b for d in DOC_FILES for b in gdl_blocks(d)]
    checked = [b for b in blocks if not {"fragment", "file"} & set(b.attrs)]
    assert len(checked) >= 60 and len(checked) >= 3 * (len(blocks) - len(checked)), (
        len(checked),
        len(blocks),
    )


def test_the_index_lists_every_page():
    listed = {Path(target).name for target in links(DOCS / "README.md") if target.endswith(".md")}
    pages = {p.name for p in DOC_FILES} - {"README.md"}
    assert sorted(pages - listed) == [], "pages missing from docs/README.md"


# ------------------------------------------------------------------ links
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|!\[[^\]\n]*\]\(([^)\s]+)\)")


def _slug(title: str) -> str:
    """GitHub's anchor for a heading."""
    s = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return s.replace(" ", "-")


def anchors(md: Path) -> set:
    text = FENCE.sub("", md.read_text(encoding="utf-8"))
    seen: dict = {}
    out = set()
    for h in re.findall(r"^#{1,6} +(.+?)\s*#*$", text, flags=re.M):
        s = _slug(h)
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else f"{s}-{n}")
    return out


def links(md: Path):
    text = FENCE.sub("", md.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)
    for m in LINK.finditer(text):
        yield m.group(1) or m.group(2)


@pytest.mark.parametrize("md", [*DOC_FILES, ROOT / "README.md"], ids=lambda p: p.name)
def test_relative_links_point_to_existing_files_and_headings(md):
    bad = []
    for target in links(md):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        dest = (md.parent / path).resolve() if path else md
        if not dest.exists():
            bad.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            bad.append(f"{target}: no heading #{anchor} in {dest.name}")
    assert not bad, bad


# ------------------------------------------------------------------ --update
def _update() -> None:
    import tempfile

    for doc in DOC_FILES:
        text = doc.read_text(encoding="utf-8")
        edits = []
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "project"
            project.mkdir()
            for b in gdl_blocks(doc):
                if "file" in b.attrs:
                    p = (project / b.attrs["file"]).resolve()
                    p.parent.mkdir(parents=True, exist_ok=True)
                    p.write_text(b.body, encoding="utf-8")
                elif b.output is not None and "fragment" not in b.attrs:
                    _, rendered = check_block(b, project)
                    edits.append((b.output.span, rendered + "\n"))
        for (start, end), new in sorted(edits, reverse=True):
            text = text[:start] + new + text[end:]
        doc.write_text(text, encoding="utf-8")
        print(f"{doc.relative_to(ROOT)}: {len(edits)} output block(s)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        _update()
    else:
        print(__doc__)

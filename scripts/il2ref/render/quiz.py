"""Self-test questions generated from the structured rules and key facts."""

from __future__ import annotations

from il2ref.core.model import Corpus, Rule
from il2ref.core.rules import ACTIONS, FRAMEWORKS, system_name
from il2ref.core.units import format_threshold
from il2ref.render.inline import cites, excerpt, prose
from il2ref.render.markdown import template
from il2ref.render.markup import Trusted, escape


def rule_question(r: Rule) -> tuple[str, Trusted]:
    """(question text, answer Markdown) for one rule."""
    who = FRAMEWORKS[r.framework]
    if r.threshold:
        question = (f"{who}: at what level of “{r.criterion}” does the rule say "
                    f"“{ACTIONS[r.action].lower()}”?")
        answer = f"{escape(format_threshold(r.threshold))}."
    else:
        question = f"{who}: what is done for “{r.criterion}”?"
        answer = f"{escape(ACTIONS[r.action])}."
    if r.resume:
        answer += f" Resume when: {prose(r.resume)}."
    return question, Trusted(f"{answer} {cites(r.sources)}")


def questions(corpus: Corpus) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for r in corpus.rules():
        q, a = rule_question(r)
        out.append({"system": system_name(r.system), "question": q, "answer": a})
    return out


def all_rules_link(corpus: Corpus) -> Trusted | None:
    """Where the tables of every rule stand (a section inserting them), if a page has them."""
    return next((Trusted(f"{p.slug}.md#{s.id}") for p in corpus.pages for s in p.sections
                 if s.insert == "all-rules"), None)


def quiz_markdown(corpus: Corpus) -> str:
    facts = [e for p in corpus.pages for e in p.excerpts() if e.key_fact]
    return template("quiz.md.j2").render(
        questions=questions(corpus), all_rules=all_rules_link(corpus),
        facts=[Trusted(excerpt(e)) for e in facts],
    )

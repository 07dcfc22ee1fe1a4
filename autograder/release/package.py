"""Builds the student package from the instructor's files, after checking them.

The template is the reference solution with every ``### BEGIN SOLUTION`` ...
``### END SOLUTION`` region replaced by a stub, so the two cannot drift apart. Before
writing anything, the reference must pass every hidden and public test and the
untouched template must score exactly 0: an assignment that fails either is refused.
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder.author.collector import CONFTEST, load_suite
from autograder.author.markers import make_template
from autograder.course.files import ANSWER_PLACEHOLDER, ANSWERS_FILE
from autograder.course.results import SubmissionResult
from autograder.course.spec import SPEC_FILE, AssignmentSpec
from autograder.course.submission import notebook_file
from autograder.errors import UserError
from autograder.release.notebook import (
    filled_notebook,
    notebook_text,
    source_notebook,
    student_notebook,
)
from autograder.release.student_text import readme_header, with_header
from autograder.runner.one_submission import GradingContext, grade_submission
from autograder.runner.reference_check import inert_mistakes

PUBLIC_TESTS_DIR = "tests"
RELEASE_SECRET = "release-check"


class ReleaseRefused(UserError):
    """The assignment is not fit to hand out; the message lists what is wrong."""


@dataclass
class ReleaseReport:
    folder: Path
    files: list[Path]
    reference: SubmissionResult
    template: SubmissionResult
    notebook_reference: SubmissionResult | None = None  # the notebook answered by the reference
    notebook_template: SubmissionResult | None = None


def release(spec: AssignmentSpec, out: Path) -> ReleaseReport:
    """Check the assignment, then write the student package to ``out/<name>/``."""
    reference_source = spec.path(spec.reference).read_text(encoding="utf-8")
    template_source = make_template(reference_source, spec.reference)
    hidden = GradingContext(load_suite(spec, "hidden"), RELEASE_SECRET)
    public = GradingContext(load_suite(spec, "public"), RELEASE_SECRET)
    reference_result = _grade_source(reference_source, spec, hidden)
    template_result = _grade_source(template_source, spec, hidden)
    public_result = _grade_source(reference_source, spec, public)
    problems = _problems(reference_result, template_result, public_result)
    problems += inert_mistakes(hidden)
    instructor_notebook = source_notebook(spec, hidden.suite.problems)
    notebook = student_notebook(instructor_notebook)
    notebook_source = notebook_text(notebook)
    filled = notebook_text(filled_notebook(notebook, instructor_notebook))
    notebook_name = notebook_file(spec)
    notebook_reference = _grade_source(filled, spec, hidden, notebook_name)
    notebook_template = _grade_source(notebook_source, spec, hidden, notebook_name)
    problems += _notebook_problems(notebook_reference, notebook_template, reference_result)
    if problems:
        raise ReleaseRefused(f"{spec.name} was not released:\n" + "\n".join(problems))
    folder = out / spec.name
    files = _write_package(spec, folder, template_source)
    (folder / notebook_name).write_text(notebook_source, encoding="utf-8")
    files.append(folder / notebook_name)
    return ReleaseReport(
        folder, files, reference_result, template_result, notebook_reference, notebook_template
    )


def _grade_source(
    source: str, spec: AssignmentSpec, ctx: GradingContext, filename: str | None = None
) -> SubmissionResult:
    with tempfile.TemporaryDirectory(prefix="autograder-release-") as tmp:
        (Path(tmp) / (filename or spec.student_file)).write_text(source, encoding="utf-8")
        return grade_submission(Path(tmp), "release-check", ctx)


def _notebook_problems(
    reference: SubmissionResult, template: SubmissionResult, script: SubmissionResult
) -> list[str]:
    """The notebook must grade exactly like the script: full marks answered, 0 as released."""
    answered = "the notebook answered with the reference"
    problems = _unclean(reference, answered) + _failures(reference, answered, "hidden")
    problems += _earned(template, "the released notebook", "")
    if reference.score != script.score:
        problems.append(
            f"  - the notebook scores {reference.score:g} but the script {script.score:g}"
        )
    return problems


def _problems(
    reference: SubmissionResult, template: SubmissionResult, public: SubmissionResult
) -> list[str]:
    """Why the script side of an assignment is not fit to release (empty when it is)."""
    return (
        _unclean(reference, "the reference")
        + _failures(reference, "the reference", "hidden")
        + _failures(public, "the reference", "public")
        + _earned(
            template,
            "the untouched template",
            "; make the test call a function the student must write",
        )
    )


def _unclean(result: SubmissionResult, who: str) -> list[str]:
    if result.status == "ok" and not result.message:
        return []
    return [f"  - {who} did not load cleanly ({result.status}): {_about(who, result.message)}"]


def _failures(result: SubmissionResult, who: str, kind: str) -> list[str]:
    return [
        f"  - {who} fails {kind} test {t.name}: {_about(who, t.output)}"
        for t in result.tests
        if t.outcome != "passed"
    ]


def _about(who: str, message: str) -> str:
    """Grading words its messages for a student ("your code does not define ..."); here
    they are about the instructor's own files, so they name them instead."""
    for student_words in ("your code", "Your code"):
        message = message.replace(student_words, who)
    return message.replace(" Keep the names of the template.", "")


def _earned(result: SubmissionResult, who: str, advice: str) -> list[str]:
    return [
        f"  - {who} earns {t.score:g} point(s) on hidden test {t.name}{advice}"
        for t in result.tests
        if t.score > 0
    ]


def _write_package(spec: AssignmentSpec, folder: Path, template_source: str) -> list[Path]:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / PUBLIC_TESTS_DIR).mkdir(parents=True)
    files = {spec.student_file: template_source, SPEC_FILE: public_spec_text(spec)}
    if spec.problem_text:
        text = spec.path(spec.problem_text).read_text(encoding="utf-8")
        files["README.md"] = with_header(text, readme_header(spec, notebook_file(spec)))
    if spec.written_problems:
        files[ANSWERS_FILE] = answers_template(spec)
    for relative in spec.public_tests:
        path = spec.path(relative)
        files[f"{PUBLIC_TESTS_DIR}/{path.name}"] = path.read_text(encoding="utf-8")
        if (path.parent / CONFTEST).is_file():  # the public tests' own fixtures
            files[f"{PUBLIC_TESTS_DIR}/{CONFTEST}"] = (path.parent / CONFTEST).read_text(
                encoding="utf-8"
            )
    written = []
    for relative, text in files.items():
        path = folder / relative
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def public_spec_text(spec: AssignmentSpec) -> str:
    """The spec a student may see: no reference, no hidden tests, public tests re-homed."""
    raw = tomllib.loads(spec.path("assignment.toml").read_text(encoding="utf-8"))
    lines = [
        "# Generated by `autograder release`; used by `autograder check`.",
        f"name = {_toml(raw['name'])}",
        f"title = {_toml(raw.get('title', raw['name']))}",
        f"student_file = {_toml(raw['student_file'])}",
        "public_tests = ["
        + ", ".join(_toml(f"{PUBLIC_TESTS_DIR}/{Path(p).name}") for p in spec.public_tests)
        + "]",
    ]
    if "due" in raw:
        lines.append(f"due = {_toml(str(raw['due']))}")
    for table in ("limits", "tolerance"):
        if table in raw:
            lines.append(f"\n[{table}]")
            lines += [f"{k} = {_toml(v)}" for k, v in raw[table].items()]
    for problem in spec.problems:
        lines += ["\n[[problems]]", f"id = {_toml(problem.id)}", f"title = {_toml(problem.title)}"]
        if problem.written:
            lines += [
                "written = true",
                f"points = {_toml(problem.points)}",
                f"prompt = {_toml(problem.prompt)}",
            ]
    return "\n".join(lines) + "\n"


def answers_template(spec: AssignmentSpec) -> str:
    """The file in which students write their proofs, one section per written problem."""
    parts = [
        f"# Written answers: {spec.title}\n",
        "Write each answer under its heading and keep the headings exactly as they are:",
        "the graders find your answers by them. Markdown and LaTeX (`$...$`) are fine.\n",
    ]
    for problem in spec.written_problems:
        parts += [
            f"## {problem.id}: {problem.title} ({problem.points:g} points)\n",
            "\n".join(f"> {line}" if line else ">" for line in problem.prompt.strip().splitlines()),
            f"\n{ANSWER_PLACEHOLDER}\n",
        ]
    return "\n".join(parts)


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if "\n" in text:
        return '"""\n' + text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

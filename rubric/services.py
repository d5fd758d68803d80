"""Loading the question bank into the database, and running and recording grades."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from interviews.grade_advice import rank_changes
from interviews.models import Attempt, FollowUp, Question, Whiteboard
from rubric import engine, examples, queue
from rubric.bank_files import load_bank
from rubric.curveball import curveball_criterion
from rubric.diagram import apply_corrections
from rubric.models import Criterion, CriterionResult, DiagramCorrection, Grade, Rubric
from rubric.probe_phrasing import probe_phrase
from rubric.schema import Bank, CriterionSpec, Curveball, parse_bank
from rubric.stages import STAGES

log = logging.getLogger(__name__)


# --- the question bank ----------------------------------------------------------


def bank_sync(*, bank: Bank | None = None) -> tuple[Rubric, bool]:
    """Make the bank files' version current and upsert their questions. Returns (rubric, created)."""
    bank = bank or load_bank()
    with transaction.atomic():
        rubric, created = Rubric.objects.get_or_create(
            version=bank.version, defaults={"content": dict(bank.raw)}
        )
        Rubric.objects.exclude(pk=rubric.pk).filter(is_current=True).update(is_current=False)
        if not rubric.is_current:
            rubric.is_current = True
            rubric.save(update_fields=["is_current"])
        if created:
            Criterion.objects.bulk_create(_criterion_rows(rubric, bank))
        for spec in bank.questions.values():
            Question.objects.update_or_create(
                slug=spec.slug,
                defaults={
                    "title": spec.title,
                    "summary": spec.summary,
                    "prompt": spec.prompt,
                    "difficulty": spec.difficulty,
                    "tags": list(spec.tags),
                    "scale_hints": list(spec.scale_hints),
                    "clarifications": [{"q": c.q, "a": c.a} for c in spec.clarifications],
                    "budgets": dict(spec.budgets),
                    "guiding_questions": {k: list(v) for k, v in spec.guiding_questions.items()},
                    "hints": {k: list(v) for k, v in spec.hints.items()},
                    "strong_answer": spec.strong_answer,
                    "in_bank": True,
                    "is_active": True,
                },
            )
        Question.objects.filter(in_bank=True).exclude(slug__in=list(bank.questions)).update(
            is_active=False
        )
    return rubric, created


def _criterion_rows(rubric: Rubric, bank: Bank) -> list[Criterion]:
    specs = [("", c) for c in bank.base] + [
        (slug, c) for slug, spec in bank.questions.items() for c in spec.criteria
    ]
    return [
        Criterion(
            rubric=rubric,
            question_slug=slug,
            key=c.id,
            stage=c.stage,
            title=c.title,
            kind=c.kind,
            weight=c.weight,
            competencies=list(c.competencies),
        )
        for slug, c in specs
    ]


@lru_cache(maxsize=8)
def _bank_for_version(version: str) -> Bank:
    """Parsed banks are immutable per version, so a worker parses each one once."""
    return parse_bank(Rubric.objects.get(version=version).content)


def current_version() -> str:
    """The current rubric's version, without loading its (large) bank document."""
    version = Rubric.objects.filter(is_current=True).values_list("version", flat=True).first()
    return version or current_rubric().version


def current_rubric() -> Rubric:
    rubric = Rubric.objects.filter(is_current=True).first()
    if rubric is None:
        rubric, _ = bank_sync()
    return rubric


# --- grading -----------------------------------------------------------------------


def grade_create_for(*, attempt: Attempt) -> Grade:
    grade = Grade.objects.create(attempt=attempt, rubric=current_rubric())
    grade_enqueue_on_commit(grade_id=grade.pk)
    return grade


def grade_enqueue_on_commit(*, grade_id: int) -> None:
    transaction.on_commit(lambda: grade_enqueue(grade_id=grade_id))


def grade_enqueue(*, grade_id: int) -> bool:
    """Send the task. If the broker is down the grade stays queued; the periodic sweep resends it."""
    try:
        queue.send(queue.GRADE_TASK, grade_id)
    except Exception:  # broker unreachable: kombu raises several unrelated types
        log.warning(
            "could not enqueue grade %s; it stays queued for the sweep", grade_id, exc_info=True
        )
        return False
    return True


def grade_run(*, grade_id: int) -> Grade | None:
    """Grade one attempt, at most once.

    1. Claim the grade: queued → running, or a running grade whose worker vanished
       (started longer ago than the stale limit). Anything else is someone else's.
    2. Run the pure engine on the stored texts with the rubric version the grade names.
    3. Write the per-criterion rows and mark it done in one transaction.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.GRADE_STALE_AFTER_SECONDS)
    claimed = (
        Grade.objects.filter(pk=grade_id)
        .filter(
            Q(status=Grade.Status.QUEUED) | Q(status=Grade.Status.RUNNING, started_at__lt=stale)
        )
        .update(status=Grade.Status.RUNNING, started_at=now, runs=F("runs") + 1)
    )
    if claimed != 1:
        return None
    grade = Grade.objects.select_related("attempt__question", "rubric").get(pk=grade_id)
    result = _grade_answer(grade)
    grade_record(grade=grade, result=result)
    _warm_examples(grade)
    return grade


EXAMPLE_CACHE_SECONDS = 30 * 24 * 3600


def criterion_example(
    *, bank: Bank, slug: str | None, criterion_id: str
) -> examples.Example | None:
    """The example shown for a criterion, kept in the shared cache: finding one grades up to a
    few dozen outline lines (tens of ms, a second at worst), and it is the same for everyone."""
    key = f"criterion-example:{bank.version}:{slug}:{criterion_id}"
    found = cache.get(key)
    if found is None:
        example = examples.example_for(bank, slug, criterion_id)
        found = (example.text, example.level, example.source) if example else ()
        cache.set(key, found, EXAMPLE_CACHE_SECONDS)
    return examples.Example(*found) if found else None


def _warm_examples(grade: Grade) -> None:
    """Find the examples the results page will show while the candidate is still on the way to
    it, in the worker, so the page does not wait for them."""
    bank, slug = bank_and_slug_for(grade.attempt.question)
    for result in rank_changes(list(CriterionResult.objects.filter(grade=grade))):
        criterion_example(bank=bank, slug=slug, criterion_id=result.criterion_key)


def attempt_answer(attempt: Attempt, corrections: dict[str, str] | None = None) -> engine.Answer:
    """What the engine grades: each stage's text followed by the candidate's replies to the
    interviewer's follow-ups on it, and the board with the candidate's corrections applied."""
    texts = dict(attempt.responses.values_list("stage", "text"))
    for stage, reply in attempt.follow_ups.exclude(reply="").values_list("stage", "reply"):
        texts[stage] = f"{texts.get(stage, '')}\n\n{reply}"
    board = Whiteboard.objects.filter(attempt=attempt).values_list("scene", flat=True).first()
    # In the app the board is part of every answer: an untouched board is an empty one.
    return engine.Answer(
        stages={stage: texts.get(stage, "") for stage in STAGES},
        whiteboard=apply_corrections(board or {"elements": []}, corrections or {}),
    )


def _grade_answer(grade: Grade) -> engine.GradeResult:
    """Run the engine on the attempt's answer, with the candidate's corrections of the board
    applied, against the rubric version the grade names."""
    said = dict(DiagramCorrection.objects.filter(grade=grade).values_list("element_id", "role"))
    bank, slug = bank_for_grade(grade)
    answer = attempt_answer(grade.attempt, said)
    return engine.grade_for(bank, slug, answer, delivered_curveball(grade.attempt, bank, slug))


def delivered_curveball(
    attempt: Attempt, bank: Bank, slug: str | None
) -> tuple[CriterionSpec, str] | None:
    """The curveball's criterion and the reply to it, when the attempt was dealt the curveball
    (in realistic mode or by a live interviewer); None otherwise: then it is not counted."""
    curveball = bank.questions[slug].curveball if slug else None
    follow = attempt.follow_ups.filter(criterion_key=FollowUp.CURVEBALL).first()
    if curveball is None or follow is None:
        return None
    return curveball_criterion(curveball, follow.stage), follow.reply


@dataclass(frozen=True)
class AnswerSoFar:
    """The current rubric's reading of a draft: what follow-ups and live coverage are chosen from."""

    criteria: tuple[CriterionSpec, ...]
    result: engine.GradeResult
    curveball: Curveball | None
    answer: engine.Answer


def bank_and_slug_for(question: Question) -> tuple[Bank, str | None]:
    """The current bank and the question's slug in it (None: a custom question)."""
    return _bank_and_slug(_bank_for_version(current_version()), question)


def answer_so_far(attempt: Attempt) -> AnswerSoFar:
    """Grade the saved answer in-process (a few ms; no task, no row written)."""
    bank, slug = bank_and_slug_for(attempt.question)
    answer = attempt_answer(attempt)
    result = engine.grade_for(bank, slug, answer, delivered_curveball(attempt, bank, slug))
    curveball = bank.questions[slug].curveball if slug else None
    return AnswerSoFar(bank.criteria_for(slug), result, curveball, answer)


def follow_up_ask(*, attempt: Attempt, stage: str, auto: bool = False) -> FollowUp | None:
    """Ask the probe for the stage's weakest unmet criterion, graded in-process on the answer so
    far (a few ms); None when the stage has had its follow-ups or nothing is left to probe.

    `auto`: the candidate is finishing the stage. Then an empty stage is not probed, and a probe
    still unanswered counts as skipped (moving on again does not ask another)."""
    asked = list(attempt.follow_ups.filter(stage=stage).exclude(criterion_key=FollowUp.CURVEBALL))
    if len(asked) >= FollowUp.MAX_PER_STAGE:
        return None
    if auto and (
        (asked and not asked[-1].reply)
        or not attempt.responses.filter(stage=stage).exclude(text="").exists()
    ):
        return None
    so_far = answer_so_far(attempt)
    probe = engine.follow_up(
        so_far.criteria,
        so_far.result.criteria,
        stage,
        frozenset(f.bank_probe or f.question for f in asked),
    )
    if probe is None:
        return None
    criterion = next(c for c in so_far.criteria if c.id == probe["criterion"])
    question = probe_phrase(
        question=attempt.question,
        criterion=criterion,
        bank_probe=probe["question"],
        stage=stage,
        stage_text=so_far.answer.stages[stage],
    )
    return FollowUp.objects.create(
        attempt=attempt,
        stage=stage,
        criterion_key=criterion.id,
        question=question,
        bank_probe=probe["question"],
    )


def curveball_due(attempt: Attempt) -> Curveball | None:
    """The curveball a realistic-mode attempt still has coming (delivered or not: None)."""
    if (
        not attempt.realistic
        or attempt.follow_ups.filter(criterion_key=FollowUp.CURVEBALL).exists()
    ):
        return None
    bank, slug = bank_and_slug_for(attempt.question)
    return bank.questions[slug].curveball if slug else None


def curveball_deliver(*, attempt: Attempt, stage: str) -> FollowUp | None:
    """Deliver the curveball in `stage` once its minute has come; None if not due (too early,
    already delivered, not realistic mode). Two tabs racing: the row lock lets one through."""
    with transaction.atomic():
        Attempt.objects.select_for_update().filter(pk=attempt.pk).first()
        curveball = curveball_due(attempt)
        # Its minute is on the interview clock (which stops for the preview and for pauses).
        if curveball is None or attempt.clock_elapsed() < curveball.at_minute * 60:
            return None
        return FollowUp.objects.create(
            attempt=attempt,
            stage=stage,
            criterion_key=FollowUp.CURVEBALL,
            question=curveball.change,
        )


class CorrectionRefused(ValueError):
    """The correction names no box the grade read as unrecognised, or a role not on offer."""


def correction_roles(grade: Grade) -> list[tuple[str, str]]:
    """The roles a candidate may say a box plays, as (role, label), for the grade's rubric."""
    bank, _ = bank_for_grade(grade)
    vocabulary = bank.vocabulary
    return [(role, vocabulary.label_of(role)) for role in vocabulary.corrections]


def grade_correct(*, grade: Grade, element_id: str, role: str) -> DiagramCorrection | None:
    """Record what the candidate says a box is (an empty role takes it back), then regrade.

    1. Lock the grade row; only a finished grade is corrected, one correction at a time.
    2. The element must be a component the grade read but did not recognise (or one corrected
       before), and the role one the rubric offers.
    3. Store the correction and grade again with the same engine and rubric version, every
       correction applied, in the same transaction.
    """
    with transaction.atomic():
        grade = (
            Grade.objects.select_for_update(of=("self",))
            .select_related("attempt__question", "rubric")
            .get(pk=grade.pk)
        )
        if grade.status != Grade.Status.DONE:
            raise CorrectionRefused("The grade is not finished yet; try again in a moment.")
        component = next(
            (c for c in grade.diagram.get("components", []) if c.get("id") == element_id), None
        )
        if component is None:
            raise CorrectionRefused("There is no such box on the board that was graded.")
        if component.get("kind") and not component.get("said"):
            raise CorrectionRefused(
                "That box was recognised; only unrecognised boxes can be corrected."
            )
        if role and role not in dict(correction_roles(grade)):
            raise CorrectionRefused(f"{role[:40]!r} is not one of the roles you can choose.")
        before = grade.score
        now = timezone.now()
        correction = None
        if role:
            correction, _ = DiagramCorrection.objects.update_or_create(
                grade=grade,
                element_id=element_id,
                defaults={"role": role, "label": str(component.get("label", ""))[:200],
                          "score_before": before, "updated_at": now},
            )  # fmt: skip
        else:
            DiagramCorrection.objects.filter(grade=grade, element_id=element_id).delete()
        result = _grade_answer(grade)
        grade_record(grade=grade, result=result)
        if correction is not None:
            correction.score_after = result.score
            correction.save(update_fields=["score_after"])
    return correction


def bank_for_grade(grade: Grade) -> tuple[Bank, str | None]:
    """The rubric version the grade names, and the question slug in it (None: base rubric only)."""
    return _bank_and_slug(_bank_for_version(grade.rubric.version), grade.attempt.question)


def criteria_for_question(question: Question) -> tuple[CriterionSpec, ...]:
    """The current rubric's criteria for a question (what a live interviewer scores)."""
    bank, slug = bank_and_slug_for(question)
    return bank.criteria_for(slug)


def _bank_and_slug(bank: Bank, question: Question) -> tuple[Bank, str | None]:
    slug = question.slug if question.in_bank and question.slug in bank.questions else None
    return bank, slug


def grade_record(*, grade: Grade, result: engine.GradeResult) -> None:
    with transaction.atomic():
        CriterionResult.objects.filter(grade=grade).delete()
        CriterionResult.objects.bulk_create(
            CriterionResult(
                grade=grade,
                criterion_key=r.id,
                stage=r.stage,
                title=r.title,
                kind=r.kind,
                weight=r.weight,
                level=r.level,
                max_level=r.max_level,
                evidence=r.evidence,
                evidence_stages=r.evidence_stages,
                missing=r.missing,
                tip=r.tip,
                competencies=r.competencies,
                position=i,
                unsure=r.unsure,
            )
            for i, r in enumerate(result.criteria)
        )
        grade.status = Grade.Status.DONE
        grade.score = result.score
        grade.band = result.band
        grade.off_topic = result.off_topic
        grade.thin_stages = result.thin_stages
        grade.engine_version = engine.ENGINE_VERSION
        grade.stage_scores = result.stage_scores
        grade.diagram = result.graph
        grade.error = ""
        grade.finished_at = timezone.now()
        grade.save(
            update_fields=[
                "status",
                "score",
                "band",
                "off_topic",
                "thin_stages",
                "engine_version",
                "stage_scores",
                "diagram",
                "error",
                "finished_at",
            ]
        )


def grade_fail(*, grade_id: int, error: str) -> None:
    Grade.objects.filter(pk=grade_id).exclude(status=Grade.Status.DONE).update(
        status=Grade.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def grade_retry(*, grade: Grade) -> bool:
    """Put a failed grade back in the queue. Returns False if it was not failed."""
    with transaction.atomic():
        claimed = Grade.objects.filter(pk=grade.pk, status=Grade.Status.FAILED).update(
            status=Grade.Status.QUEUED, error="", queued_at=timezone.now(), started_at=None
        )
        if claimed == 1:
            grade_enqueue_on_commit(grade_id=grade.pk)
    return claimed == 1


def requeue_stale_grades() -> int:
    """Resend grades stuck in the queue (broker down at submit) or abandoned while running."""
    limit = timezone.now() - timedelta(seconds=settings.GRADE_STALE_AFTER_SECONDS)
    stuck = Grade.objects.filter(
        Q(status=Grade.Status.QUEUED, queued_at__lt=limit)
        | Q(status=Grade.Status.RUNNING, started_at__lt=limit)
    ).values_list("pk", flat=True)
    sent = 0
    for grade_id in list(stuck[:500]):
        Grade.objects.filter(pk=grade_id, status=Grade.Status.QUEUED).update(
            queued_at=timezone.now()
        )
        sent += grade_enqueue(grade_id=grade_id)
    return sent


def grade_release(*, grade_id: int) -> None:
    """Hand a running grade back to the queue after a transient fault, for the retry to claim."""
    Grade.objects.filter(pk=grade_id, status=Grade.Status.RUNNING).update(
        status=Grade.Status.QUEUED
    )

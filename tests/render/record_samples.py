"""Sample audit reports, corrective-action records and registers for the render tests."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from qms.render.data import (
    AuditReport,
    CapaActionLine,
    CapaRecord,
    CapaRegister,
    CapaRegisterRow,
    CapaVerificationLine,
    CapaWhyLine,
    GradeCount,
    RecordSignature,
    ReportChecklistItem,
    ReportFinding,
)

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '<img src=x onerror="alert(2)">'

GRADES_VI = (
    GradeCount("C", "Phù hợp", False, 9),
    GradeCount("NC_MAJOR", "Không phù hợp nặng", True, 1),
    GradeCount("NC_MINOR", "Không phù hợp nhẹ", True, 2),
    GradeCount("OBS", "Điểm lưu ý", False, 1),
    GradeCount("OFI", "Cơ hội cải tiến", False, 0),
)

CONCLUSIONS_VI = """\
HTQLCL của **Văn phòng** được duy trì *phù hợp* với TCVN ISO 9001:2015, trừ các điểm sau:

- Hồ sơ một cửa lưu chưa đủ thời hạn.
- Chưa đo lường mục tiêu chất lượng quý I.

<script>alert(3)</script>
"""


def checklist_vi(count: int = 14) -> tuple[ReportChecklistItem, ...]:
    results = ["Phù hợp"] * count
    results[2], results[5], results[7], results[9] = (
        "Không phù hợp nặng",
        "Không phù hợp nhẹ",
        "Điểm lưu ý",
        "",
    )
    return tuple(
        ReportChecklistItem(
            number=n,
            clause=f"7.5.{n % 3 + 1}",
            clause_2008=f"4.2.{n % 2 + 3}",
            question=f"Câu hỏi kiểm tra số {n}: tài liệu có được kiểm soát không?",
            department="VP",
            result=results[n - 1],
            evidence=f"Đã xem sổ theo dõi số {n}",
            attachments=(f"anh-chup-{n}.png",) if n % 4 == 0 else (),
        )
        for n in range(1, count + 1)
    )


def make_audit_report(**changes: object) -> AuditReport:
    """A Vietnamese internal audit report, reported and signed by the lead auditor only."""
    values: dict[str, object] = {
        "organisation": "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ",
        "language": "vi",
        "ref": "IA-2026-01",
        "audit_type": "internal",
        "status": "reported",
        "objectives": "Đánh giá sự phù hợp và hiệu lực của HTQLCL tại Văn phòng.",
        "departments": ("VP – Văn phòng HĐND và UBND", "TP – Phòng Tư pháp"),
        "processes": ("QT-01 Kiểm soát tài liệu (lần ban hành 3)",),
        "criteria": ("ISO 9001:2015 7.5 Thông tin dạng văn bản", "QT-01 Kiểm soát tài liệu"),
        "lead_auditor": "Trần Văn Bình",
        "team": ("Nguyễn Thị An",),
        "auditee_rep": "Phạm Văn Hùng",
        "planned_start": date(2026, 3, 2),
        "planned_end": date(2026, 3, 4),
        "actual_start": date(2026, 3, 3),
        "actual_end": date(2026, 3, 5),
        "grade_counts": GRADES_VI,
        "findings": (
            ReportFinding(
                1,
                "Không phù hợp nặng",
                "7.5.3",
                "VP",
                "Hồ sơ một cửa không được lưu đủ 05 năm.",
                "Sổ tiếp nhận năm 2020 bị thất lạc.",
                "CAR-2026-003",
            ),
            ReportFinding(
                2,
                "Không phù hợp nhẹ",
                "6.2",
                "TP",
                f"Mục tiêu chất lượng chưa đo lường {XSS_SCRIPT}",
                f"Báo cáo quý I trống {XSS_IMG}",
            ),
        ),
        "other_results": (
            ReportChecklistItem(
                8,
                "9.1.3",
                "8.4",
                "Nên phân tích xu hướng hồ sơ trễ hẹn?",
                "VP",
                "Điểm lưu ý",
                "Chưa có biểu đồ theo tháng.",
            ),
        ),
        "checklist": checklist_vi(),
        "conclusions": CONCLUSIONS_VI,
        "distribution": ("Chủ tịch UBND quận", "Đại diện lãnh đạo", "Lưu: VT, ISO"),
        "signatures": (
            RecordSignature(
                "lead_auditor", "Trần Văn Bình", "Trưởng đoàn", datetime(2026, 3, 6, 17, 30)
            ),
            RecordSignature("auditee", "Phạm Văn Hùng", "Chánh Văn phòng", None),
        ),
        "issued_on": date(2026, 3, 6),
        "content_hash": "5e" * 32,
    }
    values.update(changes)
    return AuditReport(**values)  # type: ignore[arg-type]


def make_audit_report_en(**changes: object) -> AuditReport:
    values: dict[str, object] = {
        "organisation": "Hong Ha District People's Committee",
        "language": "en",
        "objectives": "Check conformity of document control.",
        "departments": ("VP – Office",),
        "processes": ("QT-01 Document control (issue 3)",),
        "criteria": ("ISO 9001:2015 7.5 Documented information",),
        "grade_counts": (
            GradeCount("C", "Conforming", False, 3),
            GradeCount("NC_MAJOR", "Major nonconformity", True, 0),
            GradeCount("NC_MINOR", "Minor nonconformity", True, 1),
            GradeCount("OBS", "Observation", False, 0),
            GradeCount("OFI", "Opportunity for improvement", False, 1),
        ),
        "findings": (
            ReportFinding(1, "Minor nonconformity", "7.5.2", "VP", "Form not dated", "BM-01"),
        ),
        "other_results": (),
        "checklist": (
            ReportChecklistItem(1, "7.5.2", "4.2.3", "Are documents dated?", "VP", "", ""),
        ),
        "conclusions": "Document control is **effective**.",
        "distribution": ("Director",),
        "signatures": (),
        "status": "in_progress",
        "issued_on": None,
    }
    values.update(changes)
    return make_audit_report(**values)


def replace(obj: object, **changes: object) -> object:
    return dataclasses.replace(obj, **changes)  # type: ignore[type-var]


WHYS_VI = (
    CapaWhyLine(1, "Tại sao hồ sơ bị thất lạc?", "Vì sổ tiếp nhận không có nơi lưu cố định."),
    CapaWhyLine(2, "Tại sao không có nơi lưu cố định?", "Vì QT-01 không quy định nơi lưu."),
    CapaWhyLine(3, "Tại sao QT-01 không quy định?", "Vì khi soạn thảo chưa rà soát Mục 7."),
    CapaWhyLine(4, "Tại sao chưa rà soát?", "Vì không có danh mục kiểm tra khi soạn."),
    CapaWhyLine(5, "Tại sao không có danh mục?", "Vì chưa được đào tạo về ISO 9001:2015."),
)


def make_capa_record(**changes: object) -> CapaRecord:
    """A Vietnamese corrective action with one overdue action, one done, one verification."""
    values: dict[str, object] = {
        "organisation": "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ",
        "language": "vi",
        "ref": "CAR-2026-003",
        "status": "actions_planned",
        "source": "audit_finding",
        "finding": "IA-2026-01 / phát hiện 1 (7.5.3)",
        "description": f"Hồ sơ một cửa năm 2020 bị thất lạc.\nKhông đủ thời hạn lưu {XSS_SCRIPT}",
        "department": "VP – Văn phòng HĐND và UBND",
        "clause": "7.5.3",
        "severity": "major",
        "reported_by": "Trần Văn Bình",
        "reported_at": datetime(2026, 3, 6, 18, 15),
        "containment": "Tìm lại sổ tiếp nhận tại kho lưu trữ tầng 2.",
        "contained_by": "Lê Thị Minh Thư",
        "contained_at": datetime(2026, 3, 7, 2, 0),
        "whys": WHYS_VI,
        "cause_category": "method",
        "root_cause": "Quy trình QT-01 chưa quy định nơi lưu và thời hạn lưu hồ sơ.",
        "similar_exist": "possible",
        "similar_answer": f"Phòng Tư pháp dùng cùng sổ tiếp nhận {XSS_IMG}",
        "actions": (
            CapaActionLine(
                1,
                "Sửa QT-01 Mục 7: quy định nơi lưu và thời hạn lưu",
                "Lê Thị Minh Thư",
                date(2026, 4, 1),
                "done",
                date(2026, 3, 28),
                "Đã ban hành",
                overdue=False,
                document_change="QT-01 lần ban hành 4",
            ),
            CapaActionLine(
                2,
                "Đào tạo lại cán bộ Một cửa",
                "Nguyễn Văn Nam",
                date(2026, 4, 15),
                "open",
                None,
                "",
                overdue=True,
            ),
        ),
        "verifications": (
            CapaVerificationLine(
                "Nguyễn Thị An",
                "Chuyên gia đánh giá",
                datetime(2026, 5, 2, 20, 0),
                False,
                "Kiểm tra 20 hồ sơ: 3 hồ sơ vẫn chưa lưu đúng nơi",
                valid=False,
            ),
        ),
        "closed_by": "",
        "closed_at": None,
        "printed_on": date(2026, 5, 10),
    }
    values.update(changes)
    return CapaRecord(**values)  # type: ignore[arg-type]


def make_capa_record_en(**changes: object) -> CapaRecord:
    values: dict[str, object] = {
        "organisation": "Hong Ha District People's Committee",
        "language": "en",
        "ref": "CAR-2026-007",
        "status": "closed",
        "source": "complaint",
        "finding": "",
        "description": "Citizen waited three days for a certified copy.",
        "department": "TP – Justice Division",
        "severity": "minor",
        "whys": (CapaWhyLine(1, "Why was it late?", "Because the stamp was missing."),),
        "cause_category": "equipment",
        "similar_exist": "no",
        "similar_answer": "",
        "actions": (
            CapaActionLine(
                1,
                "Buy a second stamp",
                "Lan Mai",
                date(2026, 4, 1),
                "done",
                date(2026, 3, 30),
                "",
                overdue=False,
            ),
        ),
        "verifications": (
            CapaVerificationLine(
                "An Nguyen", "Auditor", datetime(2026, 5, 2, 3, 0), True, "No delays in April"
            ),
        ),
        "closed_by": "Hai Tran",
        "closed_at": datetime(2026, 5, 3, 9, 45),
    }
    values.update(changes)
    return make_capa_record(**values)


def make_register(count: int = 6, **changes: object) -> CapaRegister:
    statuses = ("open", "actions_planned", "closed", "actions_done", "closed", "contained")
    rows = tuple(
        CapaRegisterRow(
            ref=f"CAR-2026-{n:03d}",
            reported_on=date(2026, 1, 1 + n % 28),
            department="VP" if n % 2 else "TP",
            source="audit_finding" if n % 3 else "late_dossier",
            severity="major" if n % 4 == 0 else "minor",
            status=statuses[n % len(statuses)],
            age_days=100 + n,
            open_actions=0 if statuses[n % len(statuses)] == "closed" else 2,
            overdue_actions=1 if n % len(statuses) == 1 else 0,
            description=f"Mô tả sự không phù hợp số {n}. " + "Hồ sơ trễ hẹn tại Một cửa. " * 12,
        )
        for n in range(1, count + 1)
    )
    values: dict[str, object] = {
        "organisation": "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ",
        "language": "vi",
        "printed_on": date(2026, 5, 10),
        "rows": rows,
    }
    values.update(changes)
    return CapaRegister(**values)  # type: ignore[arg-type]

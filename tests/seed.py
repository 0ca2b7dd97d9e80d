"""The people every database test starts with. Everyone's password is PASSWORD."""

from sqlalchemy.engine import Engine

from qms.db import write_session
from qms.services.people import organisation, users

PASSWORD = "correct-horse-battery"

DEPARTMENTS = [
    ("VP", "Văn phòng HĐND và UBND quận"),
    ("TP", "Phòng Tư pháp"),
    ("MC", "Bộ phận Một cửa"),
]

# username, full name, department, roles
PEOPLE = [
    ("admin", "Quản trị viên", "VP", ["admin"]),
    ("thu", "Lê Thị Minh Thư", "VP", ["controller"]),
    ("nam", "Hoàng Văn Nam", "VP", ["controller"]),
    ("hung", "Phạm Văn Hùng", "VP", ["reviewer"]),
    ("mai", "Đỗ Thị Thanh Mai", "TP", ["reviewer"]),
    ("hai", "Trần Thanh Hải", "VP", ["approver"]),
    ("quang", "Nguyễn Đức Quang", "VP", ["approver", "reviewer"]),
    ("binh", "Vũ Thanh Bình", "TP", ["auditor"]),
    ("an", "Trịnh Văn An", "MC", ["auditor"]),
    ("lan", "Nguyễn Thị Lan", "MC", ["staff"]),
    ("drafter2", "Chuyên viên kiêm nhiệm", "VP", ["controller", "reviewer", "approver"]),
]


def seed_people(engine: Engine) -> None:
    with write_session(engine) as session:
        organisation.set_setting(
            session, actor="system", key="organisation.name", value="ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ"
        )
        for code, name in DEPARTMENTS:
            users.add_department(session, actor_name="system", code=code, name=name)
        for username, full_name, dept, roles in PEOPLE:
            users.add_user(
                session,
                actor_name="system",
                username=username,
                full_name=full_name,
                password=PASSWORD,
                roles=roles,
                department=dept,
                position=f"Chức vụ của {full_name}",
            )
        session.commit()

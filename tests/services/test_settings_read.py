"""A transaction keeps the settings it has read (a page asks for the same few many
times), yet sees its own changes at once and others' changes from its next transaction."""

from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.services import inbox
from qms.services.people import organisation
from tests.helpers import statements_sent

KEY = inbox.DUE_SOON_SETTING


def test_a_transaction_sees_its_own_setting_changes_and_the_next_one_sees_others(
    engine: Engine,
) -> None:
    with write_session(engine) as mine:
        assert organisation.get_setting(mine, KEY) == ""  # not set: read once, as unset
        organisation.set_setting(mine, actor="system", key=KEY, value="9")
        assert organisation.get_setting(mine, KEY) == "9"
        mine.commit()
    change(engine, KEY, "5")
    with read_session(engine) as reader:
        assert organisation.get_setting(reader, KEY) == "5"
        assert organisation.get_setting(reader, "timezone") == "Asia/Ho_Chi_Minh"  # a default
        change(engine, "timezone", "UTC")
        reader.rollback()  # a transaction that ends without a commit forgets them too
        assert organisation.get_setting(reader, "timezone") == "UTC"


def change(engine: Engine, key: str, value: str) -> None:
    with write_session(engine) as theirs:
        organisation.set_setting(theirs, actor="system", key=key, value=value)
        theirs.commit()


def test_a_transaction_reads_every_setting_in_one_query(engine: Engine) -> None:
    change(engine, KEY, "7")
    with statements_sent(engine) as sent, read_session(engine) as reader:
        values = [
            organisation.get_setting(reader, key)
            for key in (KEY, "timezone", "organisation.name", KEY, "records.disposal")
        ]
    asked = [statement for statement in sent if "FROM setting" in statement]
    assert values[0] == values[3] == "7"
    assert values[1] == "Asia/Ho_Chi_Minh"
    assert values[2] == "ỦY BAN NHÂN DÂN QUẬN HỒNG HÀ"
    assert len(asked) == 1, asked

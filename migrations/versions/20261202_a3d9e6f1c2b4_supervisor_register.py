"""supervisors: a register per municipality; offers and placements refer to a record

Offers and placements both carried a supervisor's name, address and phone as text. They become
records: one per distinct address per municipality (compared without case). An empty address
makes none: a name without an address links to the record of that name in its municipality when
there is exactly one, and is listed in the log otherwise. Where one address had two names, the
newest wins (a placement's answer or proposal, an offer's creation) and the case is listed too.

Revision ID: a3d9e6f1c2b4
Revises: 7c41d2e8b5a0
Create Date: 2026-12-02 12:00:00.000000

"""
import logging
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a3d9e6f1c2b4'
down_revision = '7c41d2e8b5a0'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
TEXT_COLUMNS = ("supervisor_name", "supervisor_email", "supervisor_phone")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def upgrade():
    op.create_table(
        'supervisors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('department', sa.String(length=120), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('feed_salt', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['municipality_id'], ['municipalities.id'], name=op.f('fk_supervisors_municipality_id_municipalities')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervisors')),
        sa.UniqueConstraint('municipality_id', 'email', name=op.f('uq_supervisors_municipality_id')),
    )
    with op.batch_alter_table('supervisors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervisors_municipality_id'), ['municipality_id'], unique=False)
    for table in ('internship_offers', 'placements'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('supervisor_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_supervisor_id'), ['supervisor_id'], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_supervisor_id_supervisors'),
                'supervisors',
                ['supervisor_id'],
                ['id'],
                ondelete='SET NULL',
            )
    _move_text_into_records(op.get_bind())
    for table in ('internship_offers', 'placements'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in TEXT_COLUMNS:
                batch_op.drop_column(column)


def _aware(moment) -> datetime:
    if moment is None:
        return EPOCH
    if isinstance(moment, str):  # SQLite hands back text
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _move_text_into_records(bind) -> None:
    offers = bind.execute(
        sa.text(
            "SELECT id, municipality_id, supervisor_name, supervisor_email, supervisor_phone, created_at "
            "FROM internship_offers"
        )
    ).all()
    placements = bind.execute(
        sa.text(
            "SELECT p.id, o.municipality_id, p.supervisor_name, p.supervisor_email, p.supervisor_phone, "
            "COALESCE(p.answered_at, p.proposed_at) FROM placements p "
            "JOIN internship_offers o ON o.id = p.offer_id"
        )
    ).all()
    # (municipality, address) -> [(when, name, phone)], and who used each address.
    named, users, nameless = {}, {}, []
    for table, rows in (("internship_offers", offers), ("placements", placements)):
        for row_id, municipality_id, name, email, phone, when in rows:
            address = (email or "").strip().lower()
            if not address:
                if (name or "").strip():
                    nameless.append((table, row_id, municipality_id, name.strip()))
                continue
            key = (municipality_id, address)
            named.setdefault(key, []).append((_aware(when), (name or "").strip(), (phone or "").strip()))
            users.setdefault(key, []).append((table, row_id))
    now = datetime.now(UTC)
    by_name = {}  # (municipality, name without case) -> record ids
    for key, uses in sorted(named.items()):
        municipality_id, address = key
        uses.sort(key=lambda use: use[0])
        _when, name, phone = uses[-1]
        names = sorted({use[1] for use in uses if use[1]})
        if len(names) > 1:
            log.warning(
                "supervisor %s (municipality %s) had the names %s; kept the newest: %s",
                address, municipality_id, ", ".join(names), name,
            )
        supervisor_id = bind.execute(
            sa.text(
                "INSERT INTO supervisors (municipality_id, name, email, phone, department, is_active, "
                "feed_salt, created_at) VALUES (:m, :n, :e, :p, '', :active, :salt, :at) RETURNING id"
            ),
            {"m": municipality_id, "n": name, "e": address, "p": phone, "active": True,
             "salt": secrets.token_urlsafe(16), "at": now},
        ).scalar_one()
        by_name.setdefault((municipality_id, name.lower()), []).append(supervisor_id)
        for table, row_id in users[key]:
            _link(bind, table, row_id, supervisor_id)
        log.info("supervisor %s (municipality %s): record %s for %d offers and placements",
                 address, municipality_id, supervisor_id, len(users[key]))
    for table, row_id, municipality_id, name in nameless:
        found = by_name.get((municipality_id, name.lower()), [])
        if len(found) == 1:
            _link(bind, table, row_id, found[0])
            log.info("%s %s: %s has no address; linked to record %s of that name", table, row_id, name, found[0])
        else:
            log.warning("%s %s: %s has no address and no one record of that name; no supervisor kept",
                        table, row_id, name)


def _link(bind, table: str, row_id: int, supervisor_id: int) -> None:
    bind.execute(
        sa.text(f"UPDATE {table} SET supervisor_id = :s WHERE id = :i"),  # noqa: S608 (our names)
        {"s": supervisor_id, "i": row_id},
    )


def downgrade():
    for table in ('internship_offers', 'placements'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('supervisor_name', sa.String(length=120), server_default='', nullable=False))
            batch_op.add_column(sa.Column('supervisor_email', sa.String(length=254), server_default='', nullable=False))
            batch_op.add_column(sa.Column('supervisor_phone', sa.String(length=40), server_default='', nullable=False))
    bind = op.get_bind()
    for table in ('internship_offers', 'placements'):
        bind.execute(sa.text(
            f"UPDATE {table} SET supervisor_name = s.name, supervisor_email = s.email, "  # noqa: S608
            f"supervisor_phone = s.phone FROM supervisors s WHERE s.id = {table}.supervisor_id"
        ))
    for table in ('internship_offers', 'placements'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_supervisor_id_supervisors'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_supervisor_id'))
            batch_op.drop_column('supervisor_id')
    with op.batch_alter_table('supervisors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervisors_municipality_id'))
    op.drop_table('supervisors')

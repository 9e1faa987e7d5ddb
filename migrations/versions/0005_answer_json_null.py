"""answers: SQL NULL instead of the JSON text 'null' in value_json

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 14:30:00

"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE answer SET value_json = NULL WHERE value_json::text = 'null'")
    else:
        op.execute("UPDATE answer SET value_json = NULL WHERE value_json = 'null'")


def downgrade():
    pass  # SQL NULL reads back as None just as 'null' did

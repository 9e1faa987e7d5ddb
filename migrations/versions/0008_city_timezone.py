"""city time zone: the zone a city's scheduled openings and closings are entered and shown in

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 03:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('city') as batch_op:
        batch_op.add_column(
            sa.Column('timezone', sa.String(length=64), nullable=False, server_default='Asia/Almaty')
        )


def downgrade():
    with op.batch_alter_table('city') as batch_op:
        batch_op.drop_column('timezone')

"""field conditions: response mode, device and address marks, exclusion; sign-in back-off

Several people may now answer on one phone, so the one-claim-per-device table gives way to a device hash on
each response (kept and flagged rather than refused); existing claims are carried over.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 19:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=16), server_default='web', nullable=False))
        batch_op.add_column(sa.Column('device_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('address_tag', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('excluded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('exclusion_reason', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_response_device_hash'), ['device_hash'], unique=False)
    op.execute(
        "UPDATE response SET device_hash = "
        "(SELECT device_claim.device_hash FROM device_claim WHERE device_claim.response_id = response.id)"
    )
    op.drop_table('device_claim')
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=96), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('wait_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )


def downgrade():
    op.drop_table('login_throttle')
    op.create_table('device_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('group', sa.String(length=32), nullable=False),
    sa.Column('device_hash', sa.String(length=64), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_device_claim_response_id_response'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_device_claim_round_id_survey_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_claim')),
    sa.UniqueConstraint('round_id', 'group', 'device_hash', name=op.f('uq_device_claim_round_id_group_device_hash'))
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_device_hash'))
        batch_op.drop_column('exclusion_reason')
        batch_op.drop_column('excluded_at')
        batch_op.drop_column('address_tag')
        batch_op.drop_column('device_hash')
        batch_op.drop_column('mode')

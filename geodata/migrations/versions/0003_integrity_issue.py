"""integrity_issue: the defects `sala check` finds, with their geometry (a map layer)

Revision ID: 0003_integrity_issue
Revises: 0002_indicators
Create Date: 2026-11-22 02:01:09.714476
"""

from typing import Sequence, Union

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = '0003_integrity_issue'
down_revision: Union[str, None] = '0002_indicators'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_geospatial_table('integrity_issue',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('territory_code', sa.String(length=32), nullable=False),
    sa.Column('other_code', sa.String(length=32), nullable=True),
    sa.Column('measure', sa.Float(), nullable=True),
    sa.Column('area_km2', sa.Float(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('geom', Geometry(srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.CheckConstraint("kind IN ('outside_parent', 'overlap', 'gap', 'code_mismatch', 'missing_geometry', 'invalid_geometry')", name=op.f('ck_integrity_issue_kind')),
    sa.CheckConstraint("level IN ('state', 'municipality', 'parish', 'circuit', 'commune', 'council')", name=op.f('ck_integrity_issue_level')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrity_issue'))
    )
    op.create_geospatial_index('idx_integrity_issue_geom', 'integrity_issue', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_integrity_issue_kind_level'), 'integrity_issue', ['kind', 'level'], unique=False)
    op.create_index(op.f('ix_integrity_issue_territory_code'), 'integrity_issue', ['territory_code'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_integrity_issue_territory_code'), table_name='integrity_issue')
    op.drop_index(op.f('ix_integrity_issue_kind_level'), table_name='integrity_issue')
    op.drop_geospatial_index('idx_integrity_issue_geom', table_name='integrity_issue', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('integrity_issue')

"""Initial schema: areas, grids, catalog, components, organisation, cases, photos, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:37:33.228097
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

import backend.models.base

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_geospatial_table('county',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4490, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_county')),
    sa.UniqueConstraint('code', name=op.f('uq_county_code'))
    )
    with op.batch_alter_table('county', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_county_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})

    op.create_table('department',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('code', name=op.f('uq_department_code'))
    )
    op.create_geospatial_table('observation_point',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('grid_code', sa.String(length=15), nullable=True),
    sa.Column('watches', sa.Text(), nullable=False),
    sa.Column('active_from', sa.Date(), nullable=True),
    sa.Column('active_to', sa.Date(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4490, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation_point')),
    sa.UniqueConstraint('code', name=op.f('uq_observation_point_code'))
    )
    with op.batch_alter_table('observation_point', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_observation_point_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_observation_point_grid_code'), ['grid_code'], unique=False)

    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_geospatial_table('street_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTILINESTRING', srid=4490, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_street_line'))
    )
    with op.batch_alter_table('street_line', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_street_line_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})

    op.create_table('app_user',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_app_user_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_role'), ['role'], unique=False)

    op.create_table('catalog_class',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('edition', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('major_code', sa.String(length=2), nullable=False),
    sa.Column('major_name_zh', sa.String(length=100), nullable=False),
    sa.Column('minor_code', sa.String(length=5), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('default_department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('time_limit_value', sa.Float(), nullable=True),
    sa.Column('time_limit_unit', sa.String(length=20), nullable=True),
    sa.Column('filing_condition', sa.Text(), nullable=False),
    sa.Column('closing_condition', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['default_department_id'], ['department.id'], name=op.f('fk_catalog_class_default_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_class')),
    sa.UniqueConstraint('edition', 'kind', 'minor_code', name='uq_catalog_class_edition_kind_minor')
    )
    with op.batch_alter_table('catalog_class', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_class_edition'), ['edition'], unique=False)

    op.create_geospatial_table('component',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=17), nullable=False),
    sa.Column('edition', sa.String(length=40), nullable=False),
    sa.Column('minor_code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('grid_code', sa.String(length=15), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('managing_department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('maintainer', sa.String(length=200), nullable=False),
    sa.Column('accuracy_class', sa.String(length=1), nullable=True),
    sa.Column('initial_date', sa.Date(), nullable=True),
    sa.Column('changed_date', sa.Date(), nullable=True),
    sa.Column('data_source', sa.String(length=40), nullable=False),
    sa.Column('external_ref', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4490, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['managing_department_id'], ['department.id'], name=op.f('fk_component_managing_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_component')),
    sa.UniqueConstraint('code', name=op.f('uq_component_code'))
    )
    with op.batch_alter_table('component', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_component_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_component_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_component_minor_code'), ['minor_code'], unique=False)

    op.create_table('routing_rule',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('minor_code', sa.String(length=5), nullable=True),
    sa.Column('area_level', sa.String(length=12), nullable=False),
    sa.Column('area_code', sa.String(length=15), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_routing_rule_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rule'))
    )
    with op.batch_alter_table('routing_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_rule_minor_code'), ['minor_code'], unique=False)

    op.create_geospatial_table('street',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('county_code', sa.String(length=6), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4490, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.ForeignKeyConstraint(['county_code'], ['county.code'], name=op.f('fk_street_county_code_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_street')),
    sa.UniqueConstraint('code', name=op.f('uq_street_code'))
    )
    with op.batch_alter_table('street', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_street_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_street_county_code'), ['county_code'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_api_token_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_geospatial_table('case_record',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ref', sa.String(length=24), nullable=False),
    sa.Column('client_uuid', sa.String(length=36), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('edition', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('minor_code', sa.String(length=5), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('grid_code', sa.String(length=15), nullable=True),
    sa.Column('community_code', sa.String(length=12), nullable=True),
    sa.Column('street_code', sa.String(length=9), nullable=True),
    sa.Column('component_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('observation_point_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reporter_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reporter_name', sa.String(length=100), nullable=False),
    sa.Column('reporter_contact', sa.String(length=100), nullable=False),
    sa.Column('owner_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('rework_count', sa.Integer(), nullable=False),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('extension_count', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.String(length=24), nullable=True),
    sa.Column('due_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reported_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('verified_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verify_requested_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejected_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('merged_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('returned_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('extended_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resumed_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('check_requested_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reopened_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('previous_status', sa.String(length=24), nullable=True),
    sa.Column('filed_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dispatched_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handled_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checked_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('voided_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shelved_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handled_on_time', sa.Boolean(), nullable=True),
    sa.Column('closed_on_time', sa.Boolean(), nullable=True),
    sa.Column('updated_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4490, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.ForeignKeyConstraint(['component_id'], ['component.id'], name=op.f('fk_case_record_component_id_component')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_case_record_department_id_department')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['case_record.id'], name=op.f('fk_case_record_merged_into_id_case_record')),
    sa.ForeignKeyConstraint(['observation_point_id'], ['observation_point.id'], name=op.f('fk_case_record_observation_point_id_observation_point')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['app_user.id'], name=op.f('fk_case_record_owner_user_id_app_user')),
    sa.ForeignKeyConstraint(['reporter_user_id'], ['app_user.id'], name=op.f('fk_case_record_reporter_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_record')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_case_record_client_uuid')),
    sa.UniqueConstraint('external_id', name=op.f('uq_case_record_external_id')),
    sa.UniqueConstraint('ref', name=op.f('uq_case_record_ref'))
    )
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_case_record_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_case_record_community_code'), ['community_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_record_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_record_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_record_minor_code'), ['minor_code'], unique=False)
        batch_op.create_index('ix_case_record_reported_at', ['reported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_record_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_record_status'), ['status'], unique=False)
        batch_op.create_index('ix_case_record_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_record_street_code'), ['street_code'], unique=False)

    op.create_geospatial_table('community',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('street_code', sa.String(length=9), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4490, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.ForeignKeyConstraint(['street_code'], ['street.code'], name=op.f('fk_community_street_code_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community')),
    sa.UniqueConstraint('code', name=op.f('uq_community_code'))
    )
    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_community_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_community_street_code'), ['street_code'], unique=False)

    op.create_table('user_grid',
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('grid_code', sa.String(length=15), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_grid_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'grid_code', name=op.f('pk_user_grid'))
    )
    op.create_table('case_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=24), nullable=True),
    sa.Column('to_status', sa.String(length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('data_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['app_user.id'], name=op.f('fk_case_event_actor_user_id_app_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_event_case_id_case_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_event'))
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_event_case_id'), ['case_id'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('destination', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('payload_json', sa.Text(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('next_attempt_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dead_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_outbox_message_case_id_case_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_outbox_pending', ['sent_at', 'dead_at', 'next_attempt_at'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('grid_code', sa.String(length=15), nullable=True),
    sa.Column('assignee_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('result', sa.String(length=12), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_user_id'], ['app_user.id'], name=op.f('fk_task_assignee_user_id_app_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_task_case_id_case_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_assignee_user_id'), ['assignee_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_grid_code'), ['grid_code'], unique=False)

    op.create_geospatial_table('unit_grid',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=15), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('community_code', sa.String(length=12), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('management_level', sa.String(length=20), nullable=True),
    sa.Column('responsible_department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4490, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['community_code'], ['community.code'], name=op.f('fk_unit_grid_community_code_community')),
    sa.ForeignKeyConstraint(['responsible_department_id'], ['department.id'], name=op.f('fk_unit_grid_responsible_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_grid'))
    )
    with op.batch_alter_table('unit_grid', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_unit_grid_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_unit_grid_code'), ['code'], unique=False)
        batch_op.create_index('ix_unit_grid_code_valid', ['code', 'valid_from'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_grid_community_code'), ['community_code'], unique=False)

    op.create_table('photo',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('taken_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('gps_lon', sa.Float(), nullable=True),
    sa.Column('gps_lat', sa.Float(), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_event_id'], ['case_event.id'], name=op.f('fk_photo_case_event_id_case_event')),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_photo_case_id_case_record')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['app_user.id'], name=op.f('fk_photo_uploaded_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photo')),
    sa.UniqueConstraint('case_id', 'sha256', 'kind', name='uq_photo_case_sha_kind')
    )
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photo_sha256'), ['sha256'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_sha256'))
        batch_op.drop_index(batch_op.f('ix_photo_case_id'))

    op.drop_table('photo')
    with op.batch_alter_table('unit_grid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_grid_community_code'))
        batch_op.drop_index('ix_unit_grid_code_valid')
        batch_op.drop_index(batch_op.f('ix_unit_grid_code'))
        batch_op.drop_geospatial_index('idx_unit_grid_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('unit_grid')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_grid_code'))
        batch_op.drop_index(batch_op.f('ix_task_case_id'))
        batch_op.drop_index(batch_op.f('ix_task_assignee_user_id'))

    op.drop_table('task')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending')
        batch_op.drop_index(batch_op.f('ix_outbox_message_case_id'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_event_case_id'))

    op.drop_table('case_event')
    op.drop_table('user_grid')
    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_street_code'))
        batch_op.drop_geospatial_index('idx_community_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('community')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_record_street_code'))
        batch_op.drop_index('ix_case_record_status_due')
        batch_op.drop_index(batch_op.f('ix_case_record_status'))
        batch_op.drop_index(batch_op.f('ix_case_record_source'))
        batch_op.drop_index('ix_case_record_reported_at')
        batch_op.drop_index(batch_op.f('ix_case_record_minor_code'))
        batch_op.drop_index(batch_op.f('ix_case_record_grid_code'))
        batch_op.drop_index(batch_op.f('ix_case_record_department_id'))
        batch_op.drop_index(batch_op.f('ix_case_record_community_code'))
        batch_op.drop_geospatial_index('idx_case_record_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('case_record')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('street', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_street_county_code'))
        batch_op.drop_geospatial_index('idx_street_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('street')
    with op.batch_alter_table('routing_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_rule_minor_code'))

    op.drop_table('routing_rule')
    with op.batch_alter_table('component', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_component_minor_code'))
        batch_op.drop_index(batch_op.f('ix_component_grid_code'))
        batch_op.drop_geospatial_index('idx_component_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('component')
    with op.batch_alter_table('catalog_class', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_class_edition'))

    op.drop_table('catalog_class')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_role'))

    op.drop_table('app_user')
    with op.batch_alter_table('street_line', schema=None) as batch_op:
        batch_op.drop_geospatial_index('idx_street_line_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('street_line')
    op.drop_table('setting')
    with op.batch_alter_table('observation_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observation_point_grid_code'))
        batch_op.drop_geospatial_index('idx_observation_point_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('observation_point')
    op.drop_table('department')
    with op.batch_alter_table('county', schema=None) as batch_op:
        batch_op.drop_geospatial_index('idx_county_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('county')

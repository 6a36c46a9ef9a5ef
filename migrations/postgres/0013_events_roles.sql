-- Events limited to named roles of the community (`[communities.ID.roles]`):
-- the role names, separated by commas, as the config spells them ('' :
-- everyone may join). Names cannot contain commas (the config refuses them).
ALTER TABLE events_events ADD COLUMN roles TEXT NOT NULL DEFAULT '';

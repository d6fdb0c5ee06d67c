-- 0015: people: a password set by an administrator must be changed at the next sign-in.
ALTER TABLE person ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- Roles for a crosscheck case kept in PostgreSQL. Run once per case, as a
-- superuser or as the database's owner (which then needs CREATEROLE),
-- connected to the case's database:
--
--     psql -d CASE_DB -v ON_ERROR_STOP=1 -f docs/postgres-roles.sql
--
-- It may run before or after `crosscheck init`, and again: it changes
-- nothing it has already done.
--
--   crosscheck_owner    runs `crosscheck init` and `crosscheck upgrade`: it
--                       owns the schema and everything in it. A login; give
--                       it a password with \password crosscheck_owner.
--   crosscheck_analyst  a group, no login of its own. Every analyst gets a
--                       login of their own in it:
--                           CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE crosscheck_analyst;
--                       The analysts read every table, write the records, and
--                       may add to the history but never change, delete or
--                       truncate any of it (the history's triggers refuse
--                       that too, even to the owner).
--
-- Roles belong to the whole server: two cases on one server share them.

BEGIN;

-- The two roles, unless they exist. A database owner that is not a
-- superuser becomes a member of crosscheck_owner, which it needs to hand
-- the schema over and to set the owner's default privileges.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crosscheck_owner') THEN
        CREATE ROLE crosscheck_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crosscheck_analyst') THEN
        CREATE ROLE crosscheck_analyst NOLOGIN;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT pg_has_role(current_user, 'crosscheck_owner', 'MEMBER') THEN
        EXECUTE format('GRANT crosscheck_owner TO %I', current_user);
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO crosscheck_owner, crosscheck_analyst', current_database());
END;
$$;

-- The owner owns the schema the case lives in, and whatever a case made
-- before this script holds (tables with their identity sequences, the
-- view, the functions, the nocase collation), so that it can upgrade them.
ALTER SCHEMA public OWNER TO crosscheck_owner;
DO $$
DECLARE
    o RECORD;
BEGIN
    FOR o IN
        SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END AS kind, c.oid::regclass::text AS name
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v')
          AND c.relowner <> 'crosscheck_owner'::regrole
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO crosscheck_owner', o.kind, o.name);
    END LOOP;
    FOR o IN
        SELECT p.oid::regprocedure::text AS name FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.prokind IN ('f', 'p')
          AND p.proowner <> 'crosscheck_owner'::regrole
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO crosscheck_owner', o.name);
    END LOOP;
    FOR o IN
        SELECT quote_ident(collname) AS name FROM pg_collation
        WHERE collnamespace = 'public'::regnamespace AND collowner <> 'crosscheck_owner'::regrole
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = pg_collation.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER COLLATION %s OWNER TO crosscheck_owner', o.name);
    END LOOP;
END;
$$;

-- The analysts: the tables there are now. All of them may be read; the
-- records written; the history only read and added to.
GRANT USAGE ON SCHEMA public TO crosscheck_analyst;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO crosscheck_analyst;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO crosscheck_analyst;
DO $$
BEGIN
    IF to_regclass('public.history') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON public.history FROM crosscheck_analyst;
    END IF;
END;
$$;

-- The tables the owner makes later (at `crosscheck init` when this script
-- runs first, and at each upgrade) get the same. The history is the
-- exception these cannot express: the migration that makes it takes
-- UPDATE, DELETE and TRUNCATE on it back from everyone but its owner.
ALTER DEFAULT PRIVILEGES FOR ROLE crosscheck_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO crosscheck_analyst;
ALTER DEFAULT PRIVILEGES FOR ROLE crosscheck_owner IN SCHEMA public
    GRANT USAGE ON SEQUENCES TO crosscheck_analyst;

COMMIT;

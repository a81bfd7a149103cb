package dev.vigil.state.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades Vigil's tables in one schema. Each migration is applied once, in order, in
 * one transaction with a row in {@code <schema>.vigil_schema_version}; the whole run holds a
 * transaction-scoped PostgreSQL advisory lock keyed by the schema, so replicas that start together
 * wait for each other instead of racing, and the second finds nothing to do.
 *
 * <p>A schema at a newer version than this code knows (a replica of the previous release during a
 * rolling deploy) is used as it is, with a warning: migrations only ever add.
 *
 * <p>Stateless and thread safe.
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** The first key of Vigil's advisory locks ("VIGL"); the second is the hash of the schema. */
  static final int ADVISORY_LOCK_CLASS = 0x5649474C; // 1447642956

  /** One versioned step; {@code sql} statements name the schema as {@code %1$s}. */
  record Migration(int version, String description, List<String> sql) {}

  static final List<Migration> ALL =
      List.of(
          new Migration(
              1,
              "vigil_state: records of text by space and key",
              List.of(
                  "CREATE TABLE %1$s.vigil_state ("
                      + " space text COLLATE \"C\" NOT NULL,"
                      + " key text COLLATE \"C\" NOT NULL,"
                      + " value text COLLATE \"C\" NOT NULL,"
                      + " updated_at timestamptz NOT NULL DEFAULT now(),"
                      + " PRIMARY KEY (space, key))")));

  /** The version this code brings a schema to. */
  static int latest() {
    return ALL.get(ALL.size() - 1).version();
  }

  private Migrations() {}

  /**
   * Brings {@code schema} to {@link #latest()}, creating it if it does not exist.
   *
   * @return the version the schema was at before (0 for a new one)
   * @throws SQLException if the database refused or failed; nothing is half applied
   */
  static int migrate(Connection c, String schema) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      int before = migrateInTransaction(c, schema);
      c.commit();
      return before;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static int migrateInTransaction(Connection c, String schema) throws SQLException {
    try (PreparedStatement lock =
        c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
      lock.setInt(1, ADVISORY_LOCK_CLASS);
      lock.setString(2, schema);
      lock.execute();
    }
    try (Statement s = c.createStatement()) {
      if (!schemaExists(c, schema)) s.execute("CREATE SCHEMA " + schema);
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + schema
              + ".vigil_schema_version ("
              + " version integer PRIMARY KEY,"
              + " description text NOT NULL,"
              + " applied_at timestamptz NOT NULL DEFAULT now())");
      int before;
      try (ResultSet r =
          s.executeQuery(
              "SELECT coalesce(max(version), 0) FROM " + schema + ".vigil_schema_version")) {
        r.next();
        before = r.getInt(1);
      }
      if (before > latest()) {
        log.warn(
            "PostgreSQL schema {} is at version {}, newer than this Vigil knows ({}); using it as it"
                + " is (migrations only add)",
            schema,
            before,
            latest());
        return before;
      }
      for (Migration m : ALL) {
        if (m.version() <= before) continue;
        for (String sql : m.sql()) s.execute(String.format(sql, schema));
        try (PreparedStatement mark =
            c.prepareStatement(
                "INSERT INTO "
                    + schema
                    + ".vigil_schema_version (version, description) VALUES (?, ?)")) {
          mark.setInt(1, m.version());
          mark.setString(2, m.description());
          mark.executeUpdate();
        }
      }
      if (before < latest()) {
        log.info("Migrated PostgreSQL schema {} from version {} to {}", schema, before, latest());
      }
      return before;
    }
  }

  private static boolean schemaExists(Connection c, String schema) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
      p.setString(1, schema);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }
}

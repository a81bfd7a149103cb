package dev.vigil.tests.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.state.FileStateStore;
import dev.vigil.state.StateStore;
import dev.vigil.testing.StateStoreContract;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store: the {@link StateStoreContract}, plus what a crash leaves behind. A torn
 * record at the end (the process died mid-write) and a record with a flipped bit are detected by
 * their length and CRC-32C, skipped, reported, and never loaded as garbage; the log is then
 * rewritten clean. Compaction keeps the file near the size of the live data.
 */
class FileStateStoreTest extends StateStoreContract {
  @TempDir Path dir;

  @Override
  protected StateStore open() throws IOException {
    return FileStateStore.open(dir);
  }

  @Override
  protected StateStore reopen() throws IOException {
    return FileStateStore.open(dir);
  }

  @Test
  void aTornLastRecordIsSkippedAndReportedAndTheRestLoads(@TempDir Path d) throws Exception {
    try (FileStateStore s = FileStateStore.open(d)) {
      s.put("s", "a", "1");
      s.put("s", "b", "2");
      s.sync();
    }
    long whole = Files.size(d.resolve("state.log"));
    try (FileStateStore s = FileStateStore.open(d)) {
      s.put("s", "c", "3");
      s.sync();
    }
    // The process died while writing "c": only part of its record reached the disk.
    try (RandomAccessFile f = new RandomAccessFile(d.resolve("state.log").toFile(), "rw")) {
      f.setLength(whole + 7);
    }
    try (FileStateStore s = FileStateStore.open(d)) {
      assertThat(s.corruptRecords()).isEqualTo(1);
      assertThat(s.load("s")).isEqualTo(Map.of("a", "1", "b", "2"));
      s.put("s", "d", "4");
    }
    try (FileStateStore s = FileStateStore.open(d)) {
      assertThat(s.corruptRecords()).as("the log was rewritten clean").isZero();
      assertThat(s.load("s")).isEqualTo(Map.of("a", "1", "b", "2", "d", "4"));
    }
  }

  @Test
  void aRecordWithAFlippedBitIsSkippedNotLoaded(@TempDir Path d) throws Exception {
    try (FileStateStore s = FileStateStore.open(d)) {
      s.put("s", "a", "alpha");
      s.sync(); // each sync writes one batch under one checksum
      s.put("s", "b", "bravo");
      s.sync();
      s.put("s", "c", "charlie");
    }
    byte[] data = Files.readAllBytes(d.resolve("state.log"));
    String text = new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("bravo");
    data[at] ^= 0x20; // "Bravo": still text, but not what was written
    Files.write(d.resolve("state.log"), data);
    try (FileStateStore s = FileStateStore.open(d)) {
      assertThat(s.corruptRecords()).isEqualTo(1);
      assertThat(s.load("s")).isEqualTo(Map.of("a", "alpha", "c", "charlie"));
    }
  }

  @Test
  void whatWasWrittenBetweenTwoSyncsIsLoadedAllOrNothing(@TempDir Path d) throws Exception {
    try (FileStateStore s = FileStateStore.open(d)) {
      s.put("s", "a", "1");
      s.sync();
      s.put("nflog", "fp", "told"); // a claim
      s.put("outbox", "1:fp", "FIRING"); // and the notification it promises
      s.sync();
    }
    byte[] data = Files.readAllBytes(d.resolve("state.log"));
    String text = new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
    data[text.indexOf("FIRING")] ^= 0x01; // the second record of the batch is damaged
    Files.write(d.resolve("state.log"), data);
    try (FileStateStore s = FileStateStore.open(d)) {
      assertThat(s.corruptRecords()).isEqualTo(1);
      assertThat(s.get("nflog", "fp")).as("never the claim without its notification").isNull();
      assertThat(s.load("s")).isEqualTo(Map.of("a", "1"));
    }
  }

  @Test
  void garbageInTheLengthFieldEndsTheReplayThere(@TempDir Path d) throws Exception {
    try (FileStateStore s = FileStateStore.open(d)) {
      s.put("s", "a", "1");
    }
    long first = Files.size(d.resolve("state.log"));
    try (FileStateStore s = FileStateStore.open(d)) {
      s.put("s", "b", "2");
    }
    try (RandomAccessFile f = new RandomAccessFile(d.resolve("state.log").toFile(), "rw")) {
      f.seek(first);
      f.writeInt(Integer.MAX_VALUE);
    }
    try (FileStateStore s = FileStateStore.open(d)) {
      assertThat(s.corruptRecords()).isEqualTo(1);
      assertThat(s.load("s")).isEqualTo(Map.of("a", "1"));
    }
  }

  @Test
  void compactionKeepsTheFileNearTheLiveData(@TempDir Path d) throws Exception {
    String value = "v".repeat(1_000);
    try (FileStateStore s = FileStateStore.open(d)) {
      for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 200; i++) s.put("s", "k" + i, value + round);
      }
      s.sync();
      assertThat(s.load("s")).hasSize(200);
    }
    // 10,000 writes of 1 KB: about 10 MB written, about 200 KB live.
    assertThat(Files.size(d.resolve("state.log"))).isLessThan(9L << 20);
    try (FileStateStore s = FileStateStore.open(d)) {
      assertThat(s.load("s")).hasSize(200).containsEntry("k7", value + 49);
    }
  }

  @Test
  void oneDirectoryServesOneStoreAtATime() throws Exception {
    try (FileStateStore first = FileStateStore.open(dir.resolve("x"))) {
      assertThatThrownBy(() -> FileStateStore.open(dir.resolve("x")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("is in use by another FileStateStore");
      first.put("s", "k", "v");
    }
    try (FileStateStore again = FileStateStore.open(dir.resolve("x"))) {
      assertThat(again.get("s", "k")).isEqualTo("v");
    }
  }

  @Test
  void aClosedStoreSaysSo() throws Exception {
    FileStateStore s = FileStateStore.open(dir.resolve("y"));
    s.close();
    s.close(); // idempotent
    assertThatThrownBy(() -> s.put("s", "k", "v"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is closed");
  }
}

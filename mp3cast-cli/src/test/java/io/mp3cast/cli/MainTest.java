package io.mp3cast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The top command: help, version, and what a bare or mistyped command line gets. */
class MainTest {

    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.run("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdoutText()).startsWith("Usage: mp3cast").containsPattern("(?m)^  encode +Encodes")
                .containsPattern("(?m)^  push +Sends");
    }

    @Test
    void versionNamesTheProjectVersion() throws Exception {
        CliRun run = CliRun.run("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdoutText()).startsWith("mp3cast " + Version.projectVersion() + "\n");
        assertThat(Version.projectVersion()).doesNotContain("${");
    }

    @Test
    void bareCommandPrintsUsageOnStderrAsAUsageError() {
        CliRun run = CliRun.run();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).startsWith("Usage: mp3cast");
    }

    @Test
    void unknownCommandIsAUsageErrorWithASuggestion() {
        CliRun run = CliRun.run("encod");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("mp3cast: Unmatched argument").contains("encode");
    }

    @Test
    void helpCommandShowsASubcommandsOptions() {
        CliRun run = CliRun.run("help", "encode");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdoutText()).contains("--format=FMT", "--bitrate=KBPS", "--encoder=NAME");
    }

    @Test
    void pushAndEncodeShareTheRawFormatOptions() {
        String push = CliRun.run("help", "push").stdoutText();
        String encode = CliRun.run("help", "encode").stdoutText();

        for (String option : new String[] {"--format=FMT", "--rate=HZ", "--channels=N"}) {
            assertThat(push).contains(option);
            assertThat(encode).contains(option);
        }
    }
}

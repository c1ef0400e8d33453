package io.aami.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Shell blocks of the README, so that a test runs the commands an operator reads. A block is found by
 * its first line (a comment naming it). {@code systemctl} lines are left out: the test starts and stops
 * the processes itself, as the units would.
 */
final class ReadmeSnippets {
    private ReadmeSnippets() {
    }

    static String block(String firstLine) throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("aami.repo.dir")).resolve("README.md"));
        int start = readme.indexOf("```sh\n" + firstLine + "\n");
        if (start < 0) {
            throw new AssertionError("README.md has no ```sh block starting with '" + firstLine + "'");
        }
        int body = start + "```sh\n".length();
        int end = readme.indexOf("\n```", body);
        return readme.substring(body, end).lines()
                .filter(line -> !line.startsWith("systemctl "))
                .collect(Collectors.joining("\n", "", "\n"));
    }
}

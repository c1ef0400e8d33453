package io.aami.agent.checks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The script languages a check may use, with the file extension their scripts are stored under. */
enum Interpreter {
    SH("sh", "sh"), BASH("bash", "bash"), PYTHON3("python3", "py");

    final String command;
    final String extension;

    Interpreter(String command, String extension) {
        this.command = command;
        this.extension = extension;
    }

    static Optional<Interpreter> named(String name) {
        return Arrays.stream(values()).filter(i -> i.command.equals(name)).findFirst();
    }

    static String supported() {
        return Arrays.stream(values()).map(i -> i.command).collect(Collectors.joining(", "));
    }

    /** The interpreter's absolute path in the first of {@code dirs} that has it, if any. */
    Optional<Path> locate(List<Path> dirs) {
        return Optional.ofNullable(SystemTools.find(command, dirs));
    }
}

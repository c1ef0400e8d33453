package io.aami.agent.processes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A process check's {@code user}: a numeric uid as it is, a name looked up in the passwd file at each run. */
final class Users {
    private final Path passwd;

    Users(Path passwd) {
        this.passwd = passwd;
    }

    Optional<Long> uid(String user) {
        if (!user.isEmpty() && user.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Long.parseLong(user));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length > 2 && f[0].equals(user)) {
                    return Optional.of(Long.parseLong(f[2]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}

package io.aami.console;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every console page a user reaches by following links from the overview: one page of each kind (ids in the path
 * collapsed, so one target's detail page stands for all), query strings dropped, assets and the login page left out.
 * Pages that answer no HTML (a JSON 404 for a page not built yet) are passed by.
 */
public final class ConsoleCrawl {
    private ConsoleCrawl() {
    }

    /** Visits up to {@code max} pages from {@code /ui}, calling {@code check} with each page's path while it is shown. */
    public static List<String> visit(ConsoleBrowser console, int max, Consumer<String> check) {
        List<String> visited = new ArrayList<>();
        Deque<String> next = new ArrayDeque<>(List.of("/ui"));
        Set<String> kinds = new HashSet<>(Set.of(kind("/ui")));
        while (!next.isEmpty() && visited.size() < max) {
            String path = next.removeFirst();
            console.open(path);
            if (!"text/html".equals(console.driver().executeScript("return document.contentType"))) {
                continue;
            }
            visited.add(path);
            check.accept(path);
            for (String link : links(console)) {
                if (kinds.add(kind(link))) {
                    next.addLast(link);
                }
            }
        }
        return visited;
    }

    /** A path with its ids (UUIDs, numbers) as {id}: /ui/targets/{id}. */
    static String kind(String path) {
        return path.replaceAll("/([0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|\\d+)(?=/|$)", "/{id}");
    }

    @SuppressWarnings("unchecked")
    private static List<String> links(ConsoleBrowser console) {
        return (List<String>) console.driver().executeScript("""
                const out = [];
                for (const a of document.querySelectorAll("a[href]")) {
                  const u = new URL(a.href, location.href);
                  if (u.origin === location.origin && (u.pathname === "/ui" || u.pathname.startsWith("/ui/"))
                      && !u.pathname.startsWith("/ui/assets/") && u.pathname !== "/ui/login") out.push(u.pathname);
                }
                return out;""");
    }
}

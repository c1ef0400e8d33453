package io.aami.console;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** Keyboard use: where the focus is, and whether a person can see it. */
public final class Keyboard {
    private Keyboard() {
    }

    /** Whether {@code element} draws a focus indicator now (an outline or a box shadow): a page may not remove it. */
    public static boolean focusIndicator(WebDriver driver, WebElement element) {
        return (Boolean) ((JavascriptExecutor) driver).executeScript("""
                const s = getComputedStyle(arguments[0]);
                return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";""", element);
    }
}

package dev.vmpools.app.demo;

/** A step of the demo did not have the outcome it shows; the message names the step and what was seen. */
public final class DemoException extends RuntimeException {
    public DemoException(String message) {
        super(message);
    }
}

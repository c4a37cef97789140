/** The one jar behind {@code ./vmpools}: {@code run <component>} and {@code demo}. */
package dev.vmpools.app;

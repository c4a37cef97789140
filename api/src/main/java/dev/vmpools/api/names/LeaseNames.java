package dev.vmpools.api.names;

/**
 * The name of the Lease that records who holds a VM: {@code vmpool.<vm-name>}, in the VM's namespace.
 * When that would exceed 253 characters, the VM name is shortened and a hash of the full VM name
 * appended. A deliberately named VM could produce the same shortened name, so the Lease's owner
 * reference, not its name alone, ties it to its VM.
 */
public final class LeaseNames {
    public static final String PREFIX = "vmpool.";
    private static final int MAX_SHORTENED = Dns1123.MAX_SUBDOMAIN_LENGTH - PREFIX.length() - 1 - ShortHash.LENGTH;

    private LeaseNames() {
    }

    /** The Lease name for a VM (whose name is a DNS-1123 subdomain, as Kubernetes ensures). */
    public static String forVm(String vmName) {
        if (vmName == null || vmName.isEmpty()) {
            throw new IllegalArgumentException("vmName must not be empty");
        }
        String name = PREFIX + vmName;
        if (name.length() <= Dns1123.MAX_SUBDOMAIN_LENGTH) {
            return name;
        }
        String shortened = vmName.substring(0, MAX_SHORTENED);
        int end = shortened.length();
        while (end > 0 && (shortened.charAt(end - 1) == '-' || shortened.charAt(end - 1) == '.')) {
            end--;
        }
        return PREFIX + shortened.substring(0, end) + "-" + ShortHash.of(vmName);
    }
}

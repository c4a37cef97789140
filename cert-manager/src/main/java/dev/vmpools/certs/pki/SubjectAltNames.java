package dev.vmpools.certs.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.bouncycastle.util.IPAddress;

/**
 * The DNS names and IP addresses a serving certificate must be valid for, kept as sorted sets of their
 * canonical text (DNS names in lower case, IP addresses as {@link InetAddress#getHostAddress()}), so two
 * sets compare equal regardless of order and spelling.
 */
public record SubjectAltNames(SortedSet<String> dnsNames, SortedSet<String> ipAddresses) {

    /** The Service of the webhook, as the API server addresses it. */
    public static final String WEBHOOK_SERVICE = "vmpools-webhook";
    public static final String WEBHOOK_NAMESPACE = "vmpools-system";

    public SubjectAltNames {
        dnsNames = canonical(dnsNames, "dnsNames", SubjectAltNames::canonicalDnsName);
        ipAddresses = canonical(ipAddresses, "ipAddresses", SubjectAltNames::canonicalIpAddress);
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("dnsNames and ipAddresses: at least one name is required");
        }
    }

    /** The four names of a Service: short, with namespace, {@code .svc} and {@code .svc.cluster.local}. */
    public static SubjectAltNames forService(String service, String namespace) {
        return new SubjectAltNames(new TreeSet<>(List.of(
                service,
                service + "." + namespace,
                service + "." + namespace + ".svc",
                service + "." + namespace + ".svc.cluster.local")), new TreeSet<>());
    }

    /** The names of the webhook Service {@code vmpools-webhook} in {@code vmpools-system}. */
    public static SubjectAltNames webhookService() {
        return forService(WEBHOOK_SERVICE, WEBHOOK_NAMESPACE);
    }

    /**
     * These names plus {@code extra} ones, each a DNS name or an IP address literal (e.g. {@code 127.0.0.1}
     * when the webhook runs outside the cluster).
     */
    public SubjectAltNames plus(Collection<String> extra) {
        var dns = new TreeSet<>(dnsNames);
        var ips = new TreeSet<>(ipAddresses);
        for (var name : extra) {
            (isIpAddress(name) ? ips : dns).add(name);
        }
        return new SubjectAltNames(dns, ips);
    }

    public SubjectAltNames plus(String... extra) {
        return plus(List.of(extra));
    }

    /** The names a certificate carries in its subjectAltName extension; none if it has none. */
    public static SortedSet<String> namesOf(X509Certificate certificate) {
        var names = new TreeSet<String>();
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return names;
        }
        if (entries == null) {
            return names;
        }
        for (var entry : entries) {
            var type = (Integer) entry.get(0);
            var value = String.valueOf(entry.get(1));
            // Lenient: a certificate from elsewhere may carry names our constructor would refuse.
            if (type == 2) {
                names.add(value.toLowerCase(Locale.ROOT));
            } else if (type == 7) {
                names.add(isIpAddress(value) ? canonicalIpAddress(value) : value);
            }
        }
        return names;
    }

    /** All names, DNS names and IP addresses together. */
    public SortedSet<String> all() {
        return Stream.concat(dnsNames.stream(), ipAddresses.stream()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The names of this set that {@code certificate} does not carry. */
    public SortedSet<String> missingFrom(X509Certificate certificate) {
        var missing = all();
        missing.removeAll(namesOf(certificate));
        return missing;
    }

    /** The names {@code certificate} carries beyond this set. */
    public SortedSet<String> extraIn(X509Certificate certificate) {
        var extra = namesOf(certificate);
        extra.removeAll(all());
        return extra;
    }

    static boolean isIpAddress(String name) {
        return IPAddress.isValid(name);
    }

    private static SortedSet<String> canonical(SortedSet<String> names, String field,
            UnaryOperator<String> canonicalize) {
        Objects.requireNonNull(names, field);
        var result = new TreeSet<String>();
        for (var name : names) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(field + ": blank name");
            }
            result.add(canonicalize.apply(name));
        }
        return Collections.unmodifiableSortedSet(result);
    }

    private static String canonicalDnsName(String name) {
        if (isIpAddress(name)) {
            throw new IllegalArgumentException("dnsNames: " + name + " is an IP address");
        }
        if (!name.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
            throw new IllegalArgumentException("dnsNames: " + name + " is not a DNS name");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static String canonicalIpAddress(String address) {
        if (!isIpAddress(address)) {
            throw new IllegalArgumentException("ipAddresses: " + address + " is not an IP address literal");
        }
        try {
            // A literal: getByName parses it without a DNS lookup.
            return InetAddress.getByName(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("ipAddresses: " + address + " is not an IP address literal", e);
        }
    }
}

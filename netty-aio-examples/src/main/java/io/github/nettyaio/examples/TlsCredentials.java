/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A server's TLS key and certificate, held in a {@link KeyStore}: loaded from a keystore file, or a self-signed
 * certificate made with the JDK's own {@code keytool} (no BouncyCastle).
 *
 * <p>Why keytool: Netty 4.2.18's (deprecated) {@code SelfSignedCertificate} does work on JDK 17 without
 * BouncyCastle or {@code netty-pkitesting}: it then runs {@code keytool} too (tried here). But its certificate
 * names only {@code CN=localhost}, with no subjectAltName, so clients that verify host names
 * ({@code java.net.http.HttpClient}, {@code curl} without {@code -k}) refuse it for {@code 127.0.0.1}. Running
 * keytool here adds {@code SAN=dns:localhost,ip:127.0.0.1,ip:::1} and keeps everything in a {@link KeyStore}.
 *
 * <p>All methods run on the calling thread and may block (key generation takes about a second).
 */
public final class TlsCredentials {
    private static final String ALIAS = "netty-aio-example";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private final KeyStore keyStore;
    private final char[] password;
    private final X509Certificate certificate;
    /** See {@link #keyManagers()}. */
    private KeyManagerFactory keyManagers;

    private TlsCredentials(KeyStore keyStore, char[] password) throws GeneralSecurityException {
        this.keyStore = keyStore;
        this.password = password.clone();
        this.certificate = findCertificate(keyStore);
    }

    /**
     * Wraps an already loaded keystore holding one private key entry (whose password is {@code password}).
     *
     * @throws GeneralSecurityException the keystore holds no private key with an X.509 certificate
     */
    public static TlsCredentials of(KeyStore keyStore, char[] password) throws GeneralSecurityException {
        return new TlsCredentials(Objects.requireNonNull(keyStore, "keyStore"), password);
    }

    /**
     * Loads a PKCS#12 or JKS keystore file (the JDK detects the type) whose store and key password is
     * {@code password}.
     *
     * @throws IOException              the file can't be read or the password is wrong
     * @throws GeneralSecurityException the keystore holds no private key with an X.509 certificate
     */
    public static TlsCredentials load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(file.toFile(), password);
        return new TlsCredentials(ks, password);
    }

    /**
     * Makes a new RSA-2048 key and a self-signed certificate for {@code localhost}, {@code 127.0.0.1} and
     * {@code ::1}, valid from now for 30 days, by running {@code ${java.home}/bin/keytool} into a temporary
     * directory that is deleted before this returns.
     *
     * @throws IOException keytool is missing, failed (its output is in the message) or took over a minute
     */
    public static TlsCredentials selfSigned() throws IOException, GeneralSecurityException {
        Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IOException("no keytool at " + keytool + ": pass --keystore FILE --keystore-password PW");
        }
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        StringBuilder pw = new StringBuilder();
        for (byte b : secret) {
            pw.append(String.format("%02x", b & 0xff));
        }
        char[] password = pw.toString().toCharArray();
        Path dir = Files.createTempDirectory("netty-aio-tls");
        Path file = dir.resolve("self-signed.p12");
        try {
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-noprompt",
                    "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                    "-storetype", "PKCS12", "-keystore", file.toString(),
                    "-storepass", pw.toString(), "-keypass", pw.toString())
                    .redirectErrorStream(true)
                    .start();
            String output;
            try (InputStream in = p.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            try {
                if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for keytool");
            }
            if (p.exitValue() != 0) {
                throw new IOException("keytool exited with status " + p.exitValue() + ": " + output);
            }
            return load(file, password);
        } finally {
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }

    private static X509Certificate findCertificate(KeyStore ks) throws GeneralSecurityException {
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                Certificate c = ks.getCertificate(alias);
                if (c instanceof X509Certificate) {
                    return (X509Certificate) c;
                }
            }
        }
        throw new GeneralSecurityException("the keystore holds no private key with an X.509 certificate");
    }

    /** The keystore (private key and certificate chain). */
    public KeyStore keyStore() {
        return keyStore;
    }

    /** The server's certificate (the first private-key entry's). */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Writes the key and certificate chain to a new PKCS#12 file protected by {@code newPassword} (e.g. to reuse
     * a self-signed certificate with {@code --keystore}).
     *
     * @throws IOException the file can't be written
     */
    public void store(Path file, char[] newPassword) throws IOException, GeneralSecurityException {
        KeyStore out = KeyStore.getInstance("PKCS12");
        out.load(null, null);
        for (String alias : Collections.list(keyStore.aliases())) {
            if (keyStore.isKeyEntry(alias)) {
                out.setKeyEntry(alias, keyStore.getKey(alias, password), newPassword,
                        keyStore.getCertificateChain(alias));
            }
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            out.store(os, newPassword);
        }
    }

    /**
     * A Netty server {@link SslContext} (JDK provider) presenting this key and certificate. Handshakes run on the
     * event loops, so as little as possible in them may read a file: the context gets its own {@code DRBG}
     * {@link SecureRandom}, seeded here (the default, {@code NativePRNG}, reads {@code /dev/urandom} again whenever
     * its buffer is over 100 ms old: server randoms, session ids, key shares); and every context of these
     * credentials uses one key manager, whose RSA key signed once when it was made: the JDK makes its RSA blinding
     * parameters once per key (from the JVM-wide default {@code SecureRandom}) and keeps them while that key object
     * lives, so they exist before the first handshake. (The salt of TLS 1.3's RSA-PSS signature still comes from the
     * JVM-wide default: the JDK signs the handshake without the context's random.) Blocks (seeding, the first time
     * one signature): call before the loops serve.
     */
    public SslContext newServerContext() throws GeneralSecurityException, IOException {
        SecureRandom random = SecureRandom.getInstance("DRBG");
        random.nextBytes(new byte[16]);   // DRBG seeds itself on first use: here, not on a loop
        return SslContextBuilder.forServer(keyManagers()).sslProvider(SslProvider.JDK).secureRandom(random).build();
    }

    /** The key managers of every server context, made (and their RSA keys warmed up) on first use. */
    private synchronized KeyManagerFactory keyManagers() throws GeneralSecurityException {
        if (keyManagers == null) {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, password);
            warmUpKeys(kmf);
            keyManagers = kmf;
        }
        return keyManagers;
    }

    /**
     * Signs once with each RSA private key of {@code kmf}'s key managers, the very key objects the handshakes use
     * (the JDK caches blinding parameters per key, weakly, keyed by the modulus object): see
     * {@link #newServerContext()}.
     */
    private void warmUpKeys(KeyManagerFactory kmf) throws GeneralSecurityException {
        for (javax.net.ssl.KeyManager m : kmf.getKeyManagers()) {
            if (!(m instanceof javax.net.ssl.X509KeyManager)) {
                continue;
            }
            for (String alias : Collections.list(keyStore.aliases())) {
                java.security.PrivateKey key = ((javax.net.ssl.X509KeyManager) m).getPrivateKey(alias);
                if (key instanceof java.security.interfaces.RSAPrivateKey) {
                    java.security.Signature s = java.security.Signature.getInstance("SHA256withRSA");
                    s.initSign(key);
                    s.update((byte) 0);
                    s.sign();
                }
            }
        }
    }

    /**
     * A JDK client {@link SSLContext} that trusts exactly {@link #certificate()}: for clients of a server using
     * a self-signed certificate (tests, {@code java.net.http.HttpClient}).
     */
    public SSLContext newClientContext() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}

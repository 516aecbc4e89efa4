/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsCredentialsTest {
    @TempDir
    Path dir;

    @Test
    void selfSignedCertificateNamesTheLoopbackAddresses() throws Exception {
        X509Certificate c = TestServers.tls().certificate();
        c.checkValidity();
        List<String> names = new ArrayList<>();
        for (List<?> san : c.getSubjectAlternativeNames()) {
            names.add(String.valueOf(san.get(1)));
        }
        assertTrue(names.contains("127.0.0.1") && names.contains("localhost"), names.toString());
        assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
    }

    @Test
    void serverUsesAKeystoreFileGivenByFlags() throws Exception {
        Path ks = dir.resolve("server.p12");
        char[] pw = "changeit".toCharArray();
        TestServers.tls().store(ks, pw);
        Files.writeString(dir.resolve("hello.txt"), "hello\n");
        HttpFileServerConfig config = HttpFileServerConfig.parse("--dir", dir.toString(), "--http-port", "-1",
                "--https-port", "0", "--keystore", ks.toString(), "--keystore-password", "changeit", "--quiet");
        try (HttpFileServer s = HttpFileServer.start(config)) {
            assertEquals(-1, s.httpPort());
            assertEquals(TestServers.tls().certificate(), s.tls().certificate());
            HttpClient client = HttpClient.newBuilder().sslContext(s.tls().newClientContext()).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(TestServers.uri(s, "https", "/hello.txt"))
                    .timeout(TestServers.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("hello\n", r.body());
        }
        assertThrows(java.io.IOException.class, () -> TlsCredentials.load(ks, "wrong".toCharArray()));
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every code sample a user reads compiles: each {@code ```java} block of the project's Markdown files and each
 * {@code <pre>{@code ...}</pre>} block of the Javadoc of every module's main sources is compiled with
 * {@code javac} against this module's test class path (which holds every user-facing module).
 *
 * <p>A sample is the body of a method of a class that imports every public package of the project and of
 * the Netty packages samples use, and whose fields name the variables samples take as given ({@link #CONTEXT}):
 * {@code channel}, {@code ctx}, {@code loop}, {@code path}, {@code buf} and so on. A sample may declare them
 * again (a local shadows the field). {@code ...} standing alone (not a varargs type) is an elision and becomes
 * a comment; a block that declares a member (it starts with an access modifier, {@code @Override}, or
 * {@code class}, {@code interface}, {@code enum} or {@code record}) is compiled as a member of the class instead
 * of a method body.
 */
class DocSamplesTest {
    private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();

    /** The variables samples use without declaring them. */
    static final String CONTEXT = String.join("\n",
            "Channel channel; Channel ch; ChannelHandlerContext ctx; ChannelPipeline pipeline;",
            "EventLoop eventLoop; IoEventLoop loop; IoEventLoopGroup group;",
            "Path path; AioFile file; Path dir; ByteBuf buf; ByteBuf dst; ByteBuf src; ByteBuf[] dsts; ByteBuf[] srcs;",
            "FileDescriptor fd; long offset; long position; long length; int chunkSize;",
            "HttpRequest request; HttpResponse response; SslContext sslContext; SslHandler sslHandler;",
            "ChannelHandler handler; ChannelHandler lineHandler; ChannelHandler myHandler; AioEvent event;");

    private static final String IMPORTS = Stream.of(
                    "io.github.nettyaio", "io.github.nettyaio.source", "io.github.nettyaio.file",
                    "io.github.nettyaio.handler", "io.github.nettyaio.http", "io.github.nettyaio.http.file",
                    "io.github.nettyaio.channel",
                    "io.github.nettyaio.sys",
                    "io.netty.bootstrap", "io.netty.buffer", "io.netty.channel", "io.netty.channel.unix",
                    "io.netty.channel.socket", "io.netty.channel.socket.nio", "io.netty.channel.nio",
                    "io.netty.channel.embedded", "io.netty.handler.codec", "io.netty.handler.codec.http",
                    "io.netty.handler.codec.string", "io.netty.handler.ssl", "io.netty.handler.stream",
                    "io.netty.util", "io.netty.util.concurrent", "java.io", "java.nio.file", "java.util",
                    "java.util.concurrent")
            .map(p -> "import " + p + ".*;")
            .collect(Collectors.joining("\n"))
            + "\nimport io.netty.util.concurrent.Future;\nimport io.netty.channel.unix.FileDescriptor;\n"
            + "import java.nio.file.Path;\nimport java.util.List;\n"
            + "import static java.nio.file.StandardOpenOption.*;\n";

    private static final Pattern MARKDOWN_JAVA = Pattern.compile("(?ms)^```java\\s*\\n(.*?)^```");
    private static final Pattern JAVADOC_PRE = Pattern.compile("(?s)<pre>\\{@code(.*?)}</pre>");
    private static final Pattern ELISION = Pattern.compile("(?<![\\w.])\\.\\.\\.(?![\\w.])");
    private static final Pattern MEMBER = Pattern.compile("^(@Override\\s+)?((public |protected |private )"
            + "|(static |final |abstract )*(class|interface|enum|record) )");

    /** One sample: where it is (file:line) and its code. */
    static final class Sample {
        final String where;
        final String code;

        Sample(String where, String code) {
            this.where = where;
            this.code = code;
        }
    }

    @Test
    void everySampleCompiles() throws IOException {
        List<Sample> samples = samples();
        assertTrue(samples.size() >= 10, "found only " + samples.size() + " samples under " + ROOT);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler (run the tests on a JDK)");
        StringBuilder unit = new StringBuilder("package docsamples;\n").append(IMPORTS)
                .append("@SuppressWarnings(\"all\")\nabstract class Samples {\n").append(CONTEXT).append('\n');
        List<int[]> lines = new ArrayList<>(); // [first line, last line] of each sample in the unit
        int line = (int) unit.chars().filter(c -> c == '\n').count() + 1;
        for (int i = 0; i < samples.size(); i++) {
            String code = ELISION.matcher(samples.get(i).code).replaceAll("/*...*/");
            boolean member = MEMBER.matcher(code.strip()).find();
            String head = member ? "// sample " + i + "\n" : "void sample" + i + "() throws Exception {\n";
            String tail = member ? "\n" : "\n}\n";
            unit.append(head);
            line += 1;
            int first = line;
            unit.append(code).append(tail);
            line += (int) code.chars().filter(c -> c == '\n').count() + 1 + (member ? 0 : 1);
            lines.add(new int[] {first, line - 1});
        }
        unit.append("}\n");

        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("docsamples");
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///docsamples/Samples.java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return unit;
                }
            };
            List<String> options = List.of("--release", "17", "-proc:none", "-d", out.toString(),
                    "-classpath", classPath());
            javac.getTask(null, files, diagnostics, options, null, List.of(source)).call();
        } finally {
            try (Stream<Path> s = Files.walk(out)) {
                s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            int at = (int) d.getLineNumber();
            String where = "the sample wrapper";
            for (int i = 0; i < lines.size(); i++) {
                if (at >= lines.get(i)[0] && at <= lines.get(i)[1]) {
                    where = samples.get(i).where + " (sample line " + (at - lines.get(i)[0] + 1) + ")";
                }
            }
            errors.add(where + ": " + d.getMessage(Locale.ROOT));
        }
        assertTrue(errors.isEmpty(), errors.size() + " sample compile error(s):\n" + String.join("\n", errors));
    }

    /** Surefire's test class path (its own class path is a manifest-only jar). */
    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null ? cp : System.getProperty("java.class.path");
    }

    /** Every Markdown sample of the project and every Javadoc sample of every module's main sources. */
    static List<Sample> samples() throws IOException {
        List<Sample> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(ROOT)) {
            for (Path p : (Iterable<Path>) s.filter(DocSamplesTest::isDoc).sorted()::iterator) {
                String text = Files.readString(p);
                String name = ROOT.relativize(p).toString();
                if (name.endsWith(".md")) {
                    Matcher m = MARKDOWN_JAVA.matcher(text);
                    while (m.find()) {
                        out.add(new Sample(name + ":" + lineOf(text, m.start(1)), m.group(1)));
                    }
                } else {
                    Matcher m = JAVADOC_PRE.matcher(text);
                    while (m.find()) {
                        out.add(new Sample(name + ":" + lineOf(text, m.start(1)), fromJavadoc(m.group(1))));
                    }
                }
            }
        }
        return out;
    }

    private static boolean isDoc(Path p) {
        String rel = ROOT.relativize(p).toString().replace('\\', '/');
        if (rel.contains("/target/") || rel.startsWith(".") || rel.contains("/.")) {
            return false;
        }
        return rel.endsWith(".md") || rel.endsWith(".java") && rel.contains("/src/main/java/");
    }

    private static int lineOf(String text, int index) {
        int n = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Strips the leading {@code *} of each Javadoc line and undoes the HTML escapes a sample needs. */
    static String fromJavadoc(String block) {
        String code = block.lines()
                .map(l -> l.replaceFirst("^\\s*\\*( |$)", ""))
                .collect(Collectors.joining("\n"));
        return code.replace("&#64;", "@").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                .strip();
    }

    @Test
    void elisionIsNotVarargs() {
        assertTrue(ELISION.matcher("{ ... }").find());
        assertTrue(!ELISION.matcher("void f(String... a)").find());
    }

    static {
        // Fails fast with a clear message where the root is not the checkout (the module runs from its dir).
        if (!Files.isRegularFile(ROOT.resolve("pom.xml"))) {
            throw new UncheckedIOException(new IOException("no pom.xml at " + ROOT));
        }
    }
}

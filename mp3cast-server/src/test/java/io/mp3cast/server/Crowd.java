package io.mp3cast.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many connections to a server on 127.0.0.1 from one thread (NIO): idle ones, ones that trickle a
 * request head a byte at a time, ones that never read. It notices which the server closed and
 * keeps the first bytes each received, so tests can check what they were told.
 */
public final class Crowd implements Closeable {
    /** One connection: what it received (the first 512 bytes) and whether the server closed it. */
    public static final class Member {
        final SocketChannel ch;
        final StringBuilder received = new StringBuilder();
        boolean closedByServer;
        long closedAtNanos;

        Member(SocketChannel ch) {
            this.ch = ch;
        }

        public String received() {
            return received.toString();
        }

        public boolean closedByServer() {
            return closedByServer;
        }
    }

    private final Selector selector;
    private final List<Member> members = new ArrayList<>();

    private Crowd() throws IOException {
        this.selector = Selector.open();
    }

    /**
     * {@code n} connections to {@code port}, from {@code localAddress} (null: any), each sending
     * {@code first} (may be empty) right away.
     */
    public static Crowd connect(int port, int n, String localAddress, String first) throws IOException {
        Crowd c = new Crowd();
        try {
            c.add(port, n, localAddress, first);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Adds {@code n} connections. */
    public void add(int port, int n, String localAddress, String first) throws IOException {
        byte[] bytes = first.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < n; i++) {
            SocketChannel ch = SocketChannel.open();
            if (localAddress != null) {
                ch.bind(new InetSocketAddress(localAddress, 0));
            }
            ch.connect(new InetSocketAddress("127.0.0.1", port));
            if (bytes.length > 0) {
                ch.write(ByteBuffer.wrap(bytes));
            }
            ch.configureBlocking(false);
            Member m = new Member(ch);
            ch.register(selector, SelectionKey.OP_READ, m);
            members.add(m);
        }
    }

    public List<Member> members() {
        return members;
    }

    /** Sends {@code text} on every connection the server has not closed. */
    public void sendToAll(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        for (Member m : members) {
            if (!m.closedByServer) {
                try {
                    m.ch.write(ByteBuffer.wrap(bytes));
                } catch (IOException e) {
                    markClosed(m);
                }
            }
        }
    }

    /** Reads what has arrived, for up to {@code millis}; returns how many connections are still open. */
    public int poll(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        ByteBuffer buf = ByteBuffer.allocate(4096);
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            if (selector.select(Math.max(1, left / 1_000_000)) == 0) {
                continue;
            }
            for (SelectionKey key : selector.selectedKeys()) {
                Member m = (Member) key.attachment();
                read(m, key, buf);
            }
            selector.selectedKeys().clear();
        }
        return open();
    }

    private void read(Member m, SelectionKey key, ByteBuffer buf) {
        try {
            buf.clear();
            int n = m.ch.read(buf);
            if (n < 0) {
                key.cancel();
                markClosed(m);
            } else if (m.received.length() < 512) {
                m.received.append(new String(buf.array(), 0, Math.min(n, 512 - m.received.length()),
                        StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            key.cancel();
            markClosed(m);
        }
    }

    private static void markClosed(Member m) {
        if (!m.closedByServer) {
            m.closedByServer = true;
            m.closedAtNanos = System.nanoTime();
        }
    }

    /** Polls until every connection is closed or {@code millis} pass; returns how many are still open. */
    public int awaitAllClosed(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (open() > 0 && System.nanoTime() < deadline) {
            poll(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        }
        return open();
    }

    public int open() {
        int n = 0;
        for (Member m : members) {
            if (!m.closedByServer) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        for (Member m : members) {
            try {
                m.ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        selector.close();
    }
}

package io.stampd.netconf;

import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.opendaylight.netconf.server.api.SessionIdProvider;
import org.opendaylight.netconf.shaded.sshd.common.session.Session;
import org.opendaylight.netconf.shaded.sshd.common.session.SessionListener;
import org.opendaylight.netconf.transport.api.TransportChannel;
import org.opendaylight.netconf.transport.api.TransportChannelListener;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;

/**
 * The SSH user behind each NETCONF session, for access control. OpenDaylight's server does not
 * pass it on (its NETCONF session reports user "unknown": the SSH layer sends no additional
 * hello header), so it is followed here across three places, all on the connection's own thread:
 *
 * <ol>
 *   <li>SSH authentication succeeds: the user is noted under the client's TCP address
 *   ({@link #sshListener});</li>
 *   <li>the client opens the netconf subsystem: the transport channel, whose Netty channel is
 *   that same TCP connection, is established ({@link #establishing}), and while OpenDaylight
 *   builds the session on that call</li>
 *   <li>it takes the next session-id ({@link #ids}), which is bound to the user.</li>
 * </ol>
 */
public final class SessionUsers {
    private final Map<SocketAddress, String> authenticated = new ConcurrentHashMap<>();
    private final Map<Long, String> bySession = new ConcurrentHashMap<>();
    private final ThreadLocal<String> establishing = new ThreadLocal<>();

    /** The SSH user of a NETCONF session; empty if it is not known (or the session ended). */
    public Optional<String> user(long sessionId) {
        return Optional.ofNullable(bySession.get(sessionId));
    }

    /** The session is over. */
    public void ended(long sessionId) {
        bySession.remove(sessionId);
    }

    /** Notes the user of every SSH connection once it has authenticated, until the connection closes. */
    SessionListener sshListener() {
        return new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated && session.getUsername() != null) {
                    authenticated.put(session.getIoSession().getRemoteAddress(), session.getUsername());
                }
            }

            @Override
            public void sessionClosed(Session session) {
                SocketAddress remote = session.getIoSession().getRemoteAddress();
                if (remote != null) {
                    authenticated.remove(remote);
                }
            }
        };
    }

    /** Runs OpenDaylight's channel set-up knowing whose connection it is. */
    <T extends TransportChannel> TransportChannelListener<T> establishing(TransportChannelListener<T> delegate) {
        return new TransportChannelListener<>() {
            @Override
            public void onTransportChannelEstablished(T channel) {
                establishing.set(authenticated.get(channel.channel().remoteAddress()));
                try {
                    delegate.onTransportChannelEstablished(channel);
                } finally {
                    establishing.remove();
                }
            }

            @Override
            public void onTransportChannelFailed(Throwable cause) {
                delegate.onTransportChannelFailed(cause);
            }
        };
    }

    /** Session-ids as {@code delegate} hands them out, each bound to the user whose channel asked for it. */
    SessionIdProvider ids(SessionIdProvider delegate) {
        return () -> {
            SessionIdType id = delegate.getNextSessionId();
            String user = establishing.get();
            if (user != null) {
                bySession.put(id.getValue().longValue(), user);
            }
            return id;
        };
    }
}

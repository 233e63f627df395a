package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	saml2 "github.com/mattermost/gosaml2"
	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// ----- posts --------------------------------------------------------------------------------

func (p *AllHooks) MessageWillBePosted(c *plugin.Context, post *model.Post) (*model.Post, string) {
	switch post.Message {
	case "allow":
		return nil, ""
	case "reject":
		return nil, "rejected by the fixture"
	case "dismiss":
		return nil, plugin.DismissPostError
	case "props":
		// Echo every prop back under "echo": the host sees the values as this plugin
		// decoded and re-encoded them (their Go types included).
		echo := map[string]any{}
		for k, v := range post.GetProps() {
			echo[k] = v
		}
		post.AddProp("echo", echo)
		return post, ""
	case "clear":
		// Tries to clear the message and delete a prop: the stock host decodes the reply
		// into the original post, so neither change is visible there.
		out := post.Clone()
		out.Message = ""
		out.DelProp("keep_me")
		out.AddProp("cleared", true)
		return out, ""
	}
	post.Message = strings.ToUpper(post.Message)
	post.AddProp("fixture", true)
	return post, ""
}

func (p *AllHooks) MessageWillBeUpdated(c *plugin.Context, newPost, oldPost *model.Post) (*model.Post, string) {
	if newPost.Message == "reject" {
		return nil, "edit rejected by the fixture"
	}
	newPost.Message = oldPost.Message + " -> " + newPost.Message
	return newPost, ""
}

func (p *AllHooks) MessageHasBeenPosted(c *plugin.Context, post *model.Post) {
	p.note(fmt.Sprintf("MessageHasBeenPosted id=%s message=%s", post.Id, post.Message))
}

func (p *AllHooks) MessageHasBeenUpdated(c *plugin.Context, newPost, oldPost *model.Post) {
	p.note(fmt.Sprintf("MessageHasBeenUpdated %s -> %s", oldPost.Message, newPost.Message))
}

func (p *AllHooks) MessageHasBeenDeleted(c *plugin.Context, post *model.Post) {
	p.note("MessageHasBeenDeleted id=" + post.Id)
}

func withoutSecrets(posts []*model.Post) []*model.Post {
	var kept []*model.Post
	for _, post := range posts {
		if post.Message != "secret" {
			kept = append(kept, post)
		}
	}
	return kept
}

func (p *AllHooks) MessagesWillBeConsumed(posts []*model.Post) []*model.Post {
	return withoutSecrets(posts)
}

func (p *AllHooks) MessagesWillBeConsumedWithContext(c *plugin.Context, posts []*model.Post) []*model.Post {
	kept := withoutSecrets(posts)
	for _, post := range kept {
		post.AddProp("consumed_in_session", c.SessionId)
	}
	return kept
}

func (p *AllHooks) ScheduledPostWillBeCreated(c *plugin.Context, sp *model.ScheduledPost) (*model.ScheduledPost, string) {
	if sp.Message == "reject" {
		return nil, "scheduled post rejected by the fixture"
	}
	sp.Message = strings.ToUpper(sp.Message)
	sp.ScheduledAt += 60_000
	return sp, ""
}

func (p *AllHooks) DraftWillBeUpserted(c *plugin.Context, draft *model.Draft) (*model.Draft, string) {
	if draft.Message == "reject" {
		return nil, "draft rejected by the fixture"
	}
	draft.Message = strings.ToUpper(draft.Message)
	return draft, ""
}

// ----- files and reactions ------------------------------------------------------------------

func (p *AllHooks) FileWillBeUploaded(c *plugin.Context, info *model.FileInfo, file io.Reader, output io.Writer) (*model.FileInfo, string) {
	if strings.HasSuffix(info.Name, ".exe") {
		return nil, "executables are not allowed"
	}
	// Stream the upload back in upper case, 64 KiB at a time.
	in := bufio.NewReaderSize(file, 64*1024)
	buf := make([]byte, 64*1024)
	var size int64
	for {
		n, err := in.Read(buf)
		if n > 0 {
			chunk := bytes.ToUpper(buf[:n])
			if _, werr := output.Write(chunk); werr != nil {
				return nil, "replacement stream failed: " + werr.Error()
			}
			size += int64(len(chunk))
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "upload stream failed: " + err.Error()
		}
	}
	info.Name = "scanned-" + info.Name
	info.Size = size
	return info, ""
}

func (p *AllHooks) FileWillBeDownloaded(c *plugin.Context, fileInfo *model.FileInfo, userID string, downloadType model.FileDownloadType) string {
	if strings.HasSuffix(fileInfo.Name, ".secret") {
		return "downloads of secrets are blocked"
	}
	p.note(fmt.Sprintf("FileWillBeDownloaded file=%s user=%s type=%s", fileInfo.Name, userID, downloadType))
	return ""
}

func (p *AllHooks) ReactionHasBeenAdded(c *plugin.Context, reaction *model.Reaction) {
	p.note("ReactionHasBeenAdded emoji=" + reaction.EmojiName)
}

func (p *AllHooks) ReactionHasBeenRemoved(c *plugin.Context, reaction *model.Reaction) {
	p.note("ReactionHasBeenRemoved emoji=" + reaction.EmojiName)
}

// ----- notifications and preferences ------------------------------------------------------

func (p *AllHooks) NotificationWillBePushed(pn *model.PushNotification, userID string) (*model.PushNotification, string) {
	if strings.Contains(pn.Message, "secret") {
		return nil, "no secrets on lock screens"
	}
	pn.Message = fmt.Sprintf("[for %s] %s", userID, pn.Message)
	return pn, ""
}

func (p *AllHooks) EmailNotificationWillBeSent(en *model.EmailNotification) (*model.EmailNotificationContent, string) {
	if strings.Contains(en.Subject, "secret") {
		return nil, "no secrets in email subjects"
	}
	content := en.EmailNotificationContent
	content.Subject = "[fixture] " + content.Subject
	return &content, ""
}

func (p *AllHooks) PreferencesHaveChanged(c *plugin.Context, preferences []model.Preference) {
	names := make([]string, 0, len(preferences))
	for _, pref := range preferences {
		names = append(names, pref.Name+"="+pref.Value)
	}
	p.note("PreferencesHaveChanged " + strings.Join(names, ","))
}

// ----- users --------------------------------------------------------------------------------

func (p *AllHooks) UserHasBeenCreated(c *plugin.Context, user *model.User) {
	p.note("UserHasBeenCreated username=" + user.Username)
}

func (p *AllHooks) UserWillLogIn(c *plugin.Context, user *model.User) string {
	if user.Username == "mallory" {
		return "mallory may not log in"
	}
	return ""
}

func (p *AllHooks) UserHasLoggedIn(c *plugin.Context, user *model.User) {
	p.note("UserHasLoggedIn username=" + user.Username)
}

func (p *AllHooks) UserHasBeenDeactivated(c *plugin.Context, user *model.User) {
	p.note("UserHasBeenDeactivated username=" + user.Username)
}

func (p *AllHooks) OnSAMLLogin(c *plugin.Context, user *model.User, assertion *saml2.AssertionInfo) error {
	if assertion != nil && assertion.NameID == "denied" {
		return &model.AppError{Id: "plugin.fixture.saml_denied", Message: "SAML login denied.",
			StatusCode: http.StatusForbidden, Where: "AllHooks.OnSAMLLogin"}
	}
	p.note("OnSAMLLogin username=" + user.Username)
	return nil
}

// ----- channels and teams -------------------------------------------------------------------

func actorName(actor *model.User) string {
	if actor == nil {
		return "-"
	}
	return actor.Username
}

func (p *AllHooks) ChannelHasBeenCreated(c *plugin.Context, channel *model.Channel) {
	p.note("ChannelHasBeenCreated name=" + channel.Name)
}

func (p *AllHooks) ChannelWillBeUpdated(c *plugin.Context, newChannel, oldChannel *model.Channel) (*model.Channel, string) {
	if newChannel.Name == "forbidden" {
		return nil, "channel name not allowed"
	}
	newChannel.DisplayName = oldChannel.DisplayName + " -> " + newChannel.DisplayName
	return newChannel, ""
}

func (p *AllHooks) ChannelWillBeArchived(c *plugin.Context, channel *model.Channel) string {
	if channel.Name == "town-square" {
		return "town-square cannot be archived"
	}
	p.note("ChannelWillBeArchived name=" + channel.Name)
	return ""
}

func (p *AllHooks) ChannelWillBeRestored(c *plugin.Context, channel *model.Channel) string {
	if channel.Name == "forbidden" {
		return "forbidden stays archived"
	}
	p.note("ChannelWillBeRestored name=" + channel.Name)
	return ""
}

func (p *AllHooks) ChannelMemberWillBeAdded(c *plugin.Context, member *model.ChannelMember) (*model.ChannelMember, string) {
	if member.SchemeGuest {
		return nil, "guests may not join this channel"
	}
	member.ExplicitRoles = "fixture_member"
	return member, ""
}

func (p *AllHooks) TeamMemberWillBeAdded(c *plugin.Context, member *model.TeamMember) (*model.TeamMember, string) {
	if member.SchemeGuest {
		return nil, "guests may not join this team"
	}
	member.ExplicitRoles = "fixture_member"
	return member, ""
}

func (p *AllHooks) UserHasJoinedChannel(c *plugin.Context, member *model.ChannelMember, actor *model.User) {
	p.note(fmt.Sprintf("UserHasJoinedChannel user=%s channel=%s actor=%s", member.UserId, member.ChannelId, actorName(actor)))
}

func (p *AllHooks) UserHasLeftChannel(c *plugin.Context, member *model.ChannelMember, actor *model.User) {
	p.note(fmt.Sprintf("UserHasLeftChannel user=%s channel=%s actor=%s", member.UserId, member.ChannelId, actorName(actor)))
}

func (p *AllHooks) UserHasJoinedTeam(c *plugin.Context, member *model.TeamMember, actor *model.User) {
	p.note(fmt.Sprintf("UserHasJoinedTeam user=%s team=%s actor=%s", member.UserId, member.TeamId, actorName(actor)))
}

func (p *AllHooks) UserHasLeftTeam(c *plugin.Context, member *model.TeamMember, actor *model.User) {
	p.note(fmt.Sprintf("UserHasLeftTeam user=%s team=%s actor=%s", member.UserId, member.TeamId, actorName(actor)))
}

// ----- websocket and cluster ----------------------------------------------------------------

func (p *AllHooks) OnWebSocketConnect(webConnID, userID string) {
	p.note(fmt.Sprintf("OnWebSocketConnect conn=%s user=%s", webConnID, userID))
}

func (p *AllHooks) OnWebSocketDisconnect(webConnID, userID string) {
	p.note(fmt.Sprintf("OnWebSocketDisconnect conn=%s user=%s", webConnID, userID))
}

func (p *AllHooks) WebSocketMessageHasBeenPosted(webConnID, userID string, req *model.WebSocketRequest) {
	text, _ := json.Marshal(req.Data["text"])
	p.note(fmt.Sprintf("WebSocketMessageHasBeenPosted conn=%s user=%s action=%s text=%s", webConnID, userID, req.Action, text))
}

func (p *AllHooks) OnPluginClusterEvent(c *plugin.Context, ev model.PluginClusterEvent) {
	p.note(fmt.Sprintf("OnPluginClusterEvent id=%s data=%s", ev.Id, ev.Data))
}

// ----- shared channels ----------------------------------------------------------------------

func (p *AllHooks) OnSharedChannelsSyncMsg(msg *model.SyncMsg, rc *model.RemoteCluster) (model.SyncResponse, error) {
	p.note(fmt.Sprintf("OnSharedChannelsSyncMsg channel=%s remote=%s", msg.ChannelId, rc.Name))
	return model.SyncResponse{PostsLastUpdateAt: 1_700_000_000_000}, nil
}

func (p *AllHooks) OnSharedChannelsPing(rc *model.RemoteCluster) bool {
	return rc.Name != "down"
}

func (p *AllHooks) OnSharedChannelsAttachmentSyncMsg(fi *model.FileInfo, post *model.Post, rc *model.RemoteCluster) error {
	if post.Message == "fail" {
		return errors.New("attachment sync failed in the fixture")
	}
	p.note(fmt.Sprintf("OnSharedChannelsAttachmentSyncMsg file=%s post=%s remote=%s", fi.Name, post.Id, rc.Name))
	return nil
}

func (p *AllHooks) OnSharedChannelsProfileImageSyncMsg(user *model.User, rc *model.RemoteCluster) error {
	p.note(fmt.Sprintf("OnSharedChannelsProfileImageSyncMsg user=%s remote=%s", user.Username, rc.Name))
	return nil
}

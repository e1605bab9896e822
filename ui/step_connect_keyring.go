package ui

import (
	"context"
	"errors"
	"strings"

	"abha-deactivate/storage/secrets"
	"abha-deactivate/storage/settings"
)

// The Connect step and the system keyring: whether a secret is saved for
// the client ID, forgetting it, and keeping the one ABDM accepted.

// syncSaved looks up, off the UI goroutine, whether a secret is saved for
// the client ID shown.
func (s *connectStep) syncSaved() {
	if s.w.opts.Demo != nil || s.w.opts.Secrets == nil {
		s.savedText.Hide()
		s.forget.Hide()
		s.savedRow.Hide()
		return
	}
	id := strings.TrimSpace(s.clientID.Text)
	if id == "" {
		s.showSaved(false, nil)
		return
	}
	s.w.background(func(ctx context.Context) func() {
		_, err := s.w.opts.Secrets.Get(ctx, id)
		return func() {
			if strings.TrimSpace(s.clientID.Text) != id {
				return // the user typed on meanwhile
			}
			if err == nil {
				s.savedFor = id
			} else if s.savedFor == id {
				s.savedFor = ""
			}
			s.showSaved(err == nil, err)
		}
	})
}

// clientIDChanged hides what is known about the saved secret once the client
// ID differs from the one looked up. The keyring is not asked on each
// keystroke: a locked keyring would prompt for every letter.
func (s *connectStep) clientIDChanged() {
	if strings.TrimSpace(s.clientID.Text) != s.savedFor {
		s.showSaved(false, nil)
	} else if s.savedFor != "" {
		s.showSaved(true, nil)
	}
}

func (s *connectStep) showSaved(saved bool, err error) {
	switch {
	case saved:
		s.savedText.SetText(T("A secret is saved in the system keyring for this client ID. Leave the field empty to use it."))
		s.forget.Show()
	case err != nil && !errors.Is(err, secrets.ErrNotFound):
		s.savedText.SetText(T("The system keyring is not available: the secret will be kept only until you close the app."))
		s.forget.Hide()
	default:
		s.savedText.SetText("")
		s.forget.Hide()
	}
	s.savedText.Hidden = s.savedText.Text() == ""
	if s.savedRow != nil { // nil while the step is being built
		s.savedRow.Hidden = s.savedText.Hidden && s.forget.Hidden
		s.savedRow.Refresh()
	}
}

func (s *connectStep) forgetSecret() {
	id := strings.TrimSpace(s.clientID.Text)
	s.w.run(T("Deleting the saved secret…"), func(ctx context.Context) error {
		err := s.w.opts.Secrets.Delete(ctx, id)
		if errors.Is(err, secrets.ErrNotFound) {
			return nil
		}
		return err
	}, func(err error) {
		if err != nil {
			s.notice.show(noticeError, T("The saved secret could not be deleted."), s.w.problemDetail(err), "", nil)
			return
		}
		s.savedFor = ""
		s.remember.SetChecked(false)
		s.showSaved(false, nil)
		s.notice.show(noticeSuccess, T("The saved secret was deleted from the system keyring."), "", "", nil)
	})
}

// keepSecret saves or removes the secret in the keyring as the user chose,
// once ABDM has accepted it. It returns a warning to show, if any.
func (s *connectStep) keepSecret(ctx context.Context, set settings.Settings, typed string) string {
	store := s.w.opts.Secrets
	if store == nil || typed == "" || !set.RememberSecret {
		return ""
	}
	if err := store.Set(ctx, set.ClientID, typed); err != nil {
		if store.SessionOnly() {
			return T("The system keyring is not available, so the client secret is kept only until you close the app.")
		}
		return T("The client secret could not be saved in the system keyring.") + " " + s.w.problemDetail(err)
	}
	return ""
}

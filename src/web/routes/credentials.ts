// Certificates and credentials: the learner's page for each credential, with a
// bilingual PDF certificate, the badge as a PNG image with the credential baked
// in, the Open Badges 3.0 credential itself (a signed JWT), the address to
// share and how to add it to a profile; anyone can check a credential on a
// public page; an education lead can revoke one, with a reason.

import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import type { Language } from '../../domain/i18n.js';
import { CredentialStore, type IssuedCredential } from '../../db/stores/credential-store.js';
import { certificatePdf, verifyCredential, type CertificateText } from '../../services/learning/credentials.js';
import { bakedBadgePng, issuerMark, moduleBadgeShapes } from '../../services/learning/badge-image.js';
import { translator } from '../i18n.js';
import { authorise, currentUser } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';

const VerifyBody = z.object({ credential: z.string().trim().min(1).max(20_000) });
const RevokeBody = z.object({ reason: z.string().trim().min(1).max(500) });

export async function credentialRoutes(app: FastifyInstance): Promise<void> {
  const store = CredentialStore.create(app.database.db);

  const ownCredential = async (userId: string, id: string): Promise<IssuedCredential> => {
    const credential = await store.find(id);
    if (credential?.userId !== userId) throw new DomainError('GNM_NOT_FOUND');
    return credential;
  };

  /** The learner's credential, the module it is for, and what the signed credential says. */
  const ownCertificate = async (userId: string, id: string) => {
    const credential = await ownCredential(userId, id);
    const module = app.content.modules.find((m) => m.manifest.id === credential.moduleId);
    if (module === undefined) throw new DomainError('GNM_NOT_FOUND');
    const verification = await verifyCredential(store, credential.jwt);
    const payload = verification.status === 'not-genuine' ? {} : verification.payload;
    const subject = (payload['credentialSubject'] ?? {}) as { result?: { value?: string }[]; creditsEarned?: number };
    return { credential, module, subject, verification };
  };
  const publicAddress = (lang: Language, id: string) => `${app.config.PUBLIC_URL}${localPath(lang, `/credentials/${id}`)}`;

  app.get('/my-learning/certificates/:id.pdf', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { credential, module, subject } = await ownCertificate(user.id, (request.params as { id: string }).id);
    const text = (lang: Language): CertificateText => {
      const t = translator(lang);
      const date = new Intl.DateTimeFormat(lang === 'cy' ? 'cy-GB' : 'en-GB', { dateStyle: 'long', timeZone: 'Europe/London' }).format(credential.issuedAt);
      return {
        heading: t('learning.certificate.heading'), certifies: t('learning.certificate.certifies'), completed: t('learning.certificate.completed'),
        details: t('learning.certificate.details', { date, score: subject.result?.[0]?.value ?? '', hours: subject.creditsEarned ?? 0, version: credential.moduleVersion }),
        verify: t('learning.certificate.verify'), issuer: t('learning.credential.issuerName'),
      };
    };
    const pdf = await certificatePdf({
      learnerName: user.displayName, moduleTitle: module.manifest.title, credentialId: credential.id,
      text: { en: text('en'), cy: text('cy') }, verifyUrl: { en: publicAddress('en', credential.id), cy: publicAddress('cy', credential.id) },
      mark: issuerMark(), badge: moduleBadgeShapes(module),
    });
    return reply.type('application/pdf').header('Content-Disposition', `attachment; filename="${module.manifest.slug}-certificate.pdf"`).send(pdf);
  });

  // The badge as an image with the signed credential baked in (Open Badges 3.0, "Baked Badge").
  app.get('/my-learning/certificates/:id.png', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const credential = await ownCredential(user.id, (request.params as { id: string }).id);
    const module = app.content.modules.find((m) => m.manifest.id === credential.moduleId);
    if (module === undefined) throw new DomainError('GNM_NOT_FOUND');
    const download = (request.query as { download?: unknown }).download !== undefined;
    return reply.type('image/png').header('Cache-Control', 'private, max-age=3600')
      .header('Content-Disposition', `${download ? 'attachment' : 'inline'}; filename="${module.manifest.slug}-badge.png"`)
      .send(bakedBadgePng(module, credential.jwt));
  });

  // The learner's page for one credential: the badge, the downloads, the address to share, and how to add it to a profile.
  app.get('/my-learning/certificates/:id', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { credential, module, subject, verification } = await ownCertificate(user.id, (request.params as { id: string }).id);
    return reply.render('pages/learn/certificate.njk', {
      credential, module, verification: verification.status, score: subject.result?.[0]?.value ?? '',
      shareUrl: publicAddress(request.lang, credential.id), shareUrlOther: publicAddress(request.lang === 'cy' ? 'en' : 'cy', credential.id),
    });
  });

  app.get('/my-learning/certificates/:id.jwt', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const credential = await ownCredential(user.id, (request.params as { id: string }).id);
    return reply.type('application/vc+jwt').header('Content-Disposition', `attachment; filename="open-badge-${credential.id}.jwt"`).send(credential.jwt);
  });

  // Public: anyone given the link can check the credential is genuine and not revoked.
  app.get('/credentials/:id', { config: { access: 'public' } }, async (request, reply) => {
    const credential = await store.find((request.params as { id: string }).id);
    const verification = credential === undefined ? null : await verifyCredential(store, credential.jwt);
    return reply.code(credential === undefined ? 404 : 200).render('pages/learn/credential.njk', { verification, credential: credential ?? null });
  });

  app.post('/credentials/verify', { config: { access: 'public' } }, async (request, reply) => {
    const parsed = VerifyBody.safeParse(request.body);
    if (!parsed.success) return reply.code(400).render('pages/learn/credential.njk', { verification: null, credential: null, formError: 'learning.credential.pasteError', canonicalPath: '/credentials/verify' });
    const verification = await verifyCredential(store, parsed.data.credential);
    return reply.render('pages/learn/credential.njk', { verification, credential: verification.status === 'not-genuine' ? null : verification.credential, checkedPaste: true, canonicalPath: '/credentials/verify' });
  });

  app.get('/credentials/verify', { config: { access: 'public' } }, (_request, reply) => reply.render('pages/learn/credential.njk', { verification: null, credential: null }));

  app.post('/credentials/:id/revoke', { config: { access: 'credentials.revoke' } }, async (request, reply) => {
    const user = authorise(request, 'credentials.revoke');
    const id = (request.params as { id: string }).id;
    if ((await store.find(id)) === undefined) throw new DomainError('GNM_NOT_FOUND');
    const parsed = RevokeBody.safeParse(request.body);
    if (!parsed.success) throw new DomainError('GNM_VALIDATION', { field: 'reason' });
    await store.revoke(id, parsed.data.reason, user.id);
    return reply.redirect(localPath(request.lang, `/credentials/${id}`), 303);
  });
}

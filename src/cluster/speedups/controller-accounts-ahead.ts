// controller-accounts-ahead (docs/design/controller-accounts-ahead.md): the controller manager's service
// accounts made from the host as soon as init's kubelet starts, so its controllers need not wait for them.
import { makeControllerAccountsAhead } from '../controller-accounts.js'
import type { Creation } from '../creation/context.js'

export function controllerAccountsAhead(c: Creation): void {
  if (!c.speedUp('controller-accounts-ahead')) return
  const { milestones: m } = c
  m.kubeletStarted.whenReached(() =>
    c.alongside(
      m.configured
        .of(c.bootstrap.name)
        .reached.then(({ kubeadmConf, version }) =>
          makeControllerAccountsAhead({
            api: c.superAdmin,
            kubeadmConf,
            kubernetesVersion: version,
            stop: m.initDone.reached.catch(() => undefined)
          })
        )
        .then(
          line => c.reporter.info(line),
          () => undefined
        )
    )
  )
}
